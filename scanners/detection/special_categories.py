"""Art. 9 / Art. 10 special categories (health, religion, convictions...) of a column.

Decided from the column name and a vocabulary of values (``special_categories`` in
``config/detection.yaml``); such a finding is always routed to human review.
"""

from __future__ import annotations

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection.columns import PreparedColumn
from registre.scanners.detection.config import DetectionConfig, normalize_words
from registre.scanners.detection.decision import noisy_or
from registre.scanners.detection.masking import mask_value


def special_categories(config: DetectionConfig, column: PreparedColumn) -> list[ColumnFinding]:
    """One finding per special category the column's name or values point to."""
    rules = config.special_categories
    normalized = [normalize_words(v) for v in column.values]
    findings = []
    for cat in rules.categories:
        name_match = cat.name_regex.search(column.words)
        value_regex = cat.value_regex
        indexes = (
            [i for i, v in enumerate(normalized) if value_regex.search(v)]
            if value_regex is not None
            else []
        )
        coverage = len(indexes) / len(normalized) if normalized else 0.0
        value_score = 0.0
        if coverage >= rules.min_value_coverage and len(indexes) >= min(2, len(normalized)):
            value_score = rules.value_confidence * (0.6 + 0.4 * coverage)
        name_score = cat.name_weight if name_match else 0.0
        score = noisy_or(value_score, name_score)
        if score < rules.min_score:
            continue
        reasons = [f"{cat.legal_basis}: special category, always routed to human review"]
        if name_match:
            reasons.append(f"column name matches the {cat.entity_type} vocabulary")
        if value_score:
            reasons.append(
                f"{len(indexes)}/{len(normalized)} distinct sampled values name a "
                f"{cat.entity_type} term"
            )
        findings.append(
            ColumnFinding(
                entity_type=cat.entity_type,
                category=cat.category,
                score=round(score, 3),
                coverage=round(coverage, 3),
                distinct_sampled=len(normalized),
                recognizer="SpecialCategoryVocabulary",
                name_signal=name_match.group(0) if name_match else None,
                masked_example=(
                    mask_value(column.values[indexes[0]], cat.entity_type) if indexes else None
                ),
                reasons=tuple(reasons),
            )
        )
    return findings
