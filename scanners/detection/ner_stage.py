"""The Presidio stage of the column classifier: NER and recognizers over the residual
name-like and free-text columns of a table, in one batched pass.

:class:`registre.scanners.detection.classifier.Classifier` hands it the columns its cheap
rules left undecided (:class:`PendingColumn`) and its decision rule (a :data:`Decide`
callable); spaCy and Presidio load on the first call, never at import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection.analyzer import TextBatch, analyze_batches
from registre.scanners.detection.columns import PendingColumn, PreparedColumn
from registre.scanners.detection.config import DetectionConfig, normalize_column_name
from registre.scanners.detection.masking import mask_value
from registre.scanners.detection.value_shapes import is_full_name

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult

#: the classifier's decision: (column, entity, matching value indexes, recognizer, how)
#: -> a finding when the entity's thresholds are met
Decide = Callable[[PreparedColumn, str, Sequence[int], str, str], ColumnFinding | None]


class PresidioStage:
    """NER and Presidio recognizers over the pending columns of one table."""

    def __init__(self, config: DetectionConfig, decide: Decide) -> None:
        self.config = config
        self._decide = decide

    def run(self, table_name: str, pending: Sequence[PendingColumn]) -> list[list[ColumnFinding]]:
        """Findings per pending column, in order, from one batched analyzer pass."""
        batches: list[TextBatch] = []
        for item in pending:
            context = item.column.words.split() + normalize_column_name(table_name).split()
            entities = (
                self.config.free_text.entity_types if item.free_text else ["PERSON", "LOCATION"]
            )
            batches.append(TextBatch(item.texts, entities, context))
        results = analyze_batches(
            batches, score_threshold=0.4, batch_size=self.config.ner.batch_size
        )
        return [
            self._free_text_findings(item, found)
            if item.free_text
            else self._ner_findings(item, found)
            for item, found in zip(pending, results, strict=True)
        ]

    def _ner_findings(
        self, item: PendingColumn, results: Sequence[Sequence[RecognizerResult]]
    ) -> list[ColumnFinding]:
        column = item.column
        ratio = self.config.ner.min_span_ratio
        hits: dict[str, list[int]] = {"PERSON": [], "LOCATION": []}
        for index, (text, found) in enumerate(zip(item.texts, results, strict=True)):
            for entity in hits:
                span = sum(r.end - r.start for r in found if r.entity_type == entity)
                if text and span / len(text) >= ratio:
                    hits[entity].append(index)
        # Coverage is over the values analysed by NER (a prefix of the distinct values).
        analysed = dataclasses.replace(column, values=item.texts)
        candidates = [
            f
            for entity, indexes in hits.items()
            if not column.excludes(entity)
            and (
                f := self._decide(analysed, entity, indexes, "SpacyRecognizer", "recognised by NER")
            )
        ]
        best = max(candidates, key=lambda f: (f.score, f.coverage), default=None)
        return [best] if best else []

    def _free_text_findings(
        self, item: PendingColumn, results: Sequence[Sequence[RecognizerResult]]
    ) -> list[ColumnFinding]:
        rules = self.config.free_text
        analysed = len(item.texts)
        by_entity: dict[str, list[tuple[int, str]]] = {}
        for index, (text, found) in enumerate(zip(item.texts, results, strict=True)):
            for r in found:
                entity = r.entity_type
                if entity == "PERSON" and not is_full_name(text[r.start : r.end]):
                    continue
                spans = by_entity.setdefault(entity, [])
                if not spans or spans[-1][0] != index:
                    spans.append((index, text[r.start : r.end]))
        findings = []
        for entity, spans in by_entity.items():
            coverage = len(spans) / analysed
            if item.column.excludes(entity) or entity not in self.config.entities:
                continue
            if len(spans) < rules.min_distinct_hits or coverage < rules.min_coverage:
                continue
            rule = self.config.entities[entity]
            findings.append(
                ColumnFinding(
                    entity_type=entity,
                    category=rule.category,
                    score=round(rules.max_score * min(1.0, 0.5 + coverage), 3),
                    coverage=round(coverage, 3),
                    distinct_sampled=analysed,
                    recognizer="PresidioAnalyzer",
                    name_signal=item.column.priors.get(entity, (0.0, None))[1],
                    masked_example=mask_value(spans[0][1], entity),
                    may_be_personal=rule.may_be_personal,
                    reasons=(
                        f"free-text column: {len(spans)}/{analysed} analysed values mention "
                        f"{entity}",
                        "a mention in free text is a suggestion for review, not a column label",
                    ),
                    free_text=True,
                )
            )
        return findings
