"""The Presidio stage of the column classifier: NER and recognizers over the residual
name-like and free-text columns of a table, in one batched pass.

A mixin of :class:`registre.scanners.detection.classifier.Classifier`, which provides the rules
(``config``) and the decision (``_decide``, ``_excluded``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from registre.scanners.detection.config import DetectionConfig, normalize_column_name
from registre.scanners.detection.masking import mask_value
from registre.scanners.detection.value_shapes import is_full_name
from registre.scanners.types import ColumnFinding

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult

    from registre.scanners.detection.analyzer import TextBatch
    from registre.scanners.detection.classifier import _Column, _Pending


class PresidioStage:
    config: DetectionConfig

    @staticmethod
    def _excluded(column: _Column, entity_type: str) -> bool:
        raise NotImplementedError

    def _decide(
        self, column: _Column, entity: str, indexes: Sequence[int], recognizer: str, how: str
    ) -> ColumnFinding | None:
        raise NotImplementedError

    def _run_presidio(
        self, table_name: str, pending: Sequence[_Pending]
    ) -> list[list[ColumnFinding]]:
        from registre.scanners.detection.analyzer import TextBatch, analyze_batches

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
        self, item: _Pending, results: Sequence[Sequence[RecognizerResult]]
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
            if not self._excluded(column, entity)
            and (
                f := self._decide(analysed, entity, indexes, "SpacyRecognizer", "recognised by NER")
            )
        ]
        best = max(candidates, key=lambda f: (f.score, f.coverage), default=None)
        return [best] if best else []

    def _free_text_findings(
        self, item: _Pending, results: Sequence[Sequence[RecognizerResult]]
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
            if self._excluded(item.column, entity) or entity not in self.config.entities:
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
