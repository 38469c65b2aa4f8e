"""From evidence to a finding: coverage over distinct values plus the column-name prior.

Every value-based stage of the classifier (validators, date of birth, value shapes,
NER) counts which distinct values of a column matched an entity and lets
:func:`decide` weigh that coverage against the entity's thresholds. A lone hit never
labels a column. :func:`name_only` decides for a column with no value to look at.
Findings hold counts, labels and masked examples: never a raw value.
"""

from __future__ import annotations

from collections.abc import Sequence

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection.columns import PreparedColumn
from registre.scanners.detection.config import DetectionConfig
from registre.scanners.detection.masking import mask_value


def noisy_or(a: float, b: float) -> float:
    """Two independent signals combined: 1 - (1 - a)(1 - b)."""
    return 1.0 - (1.0 - a) * (1.0 - b)


def decide(
    config: DetectionConfig,
    column: PreparedColumn,
    entity: str,
    indexes: Sequence[int],
    recognizer: str,
    how: str,
) -> ColumnFinding | None:
    """Coverage + prior -> a finding when the entity's thresholds are met.

    ``indexes`` are the positions of the matching values in ``column.values``;
    ``recognizer`` and ``how`` name the evidence in the finding's reasons.
    """
    rule = config.entities[entity]
    distinct = len(column.values)
    coverage = len(indexes) / distinct if distinct else 0.0
    weight, label = column.priors.get(entity, (0.0, None))
    needed = rule.min_coverage_with_name if label else rule.min_coverage
    if len(indexes) < 2 and (distinct > 1 or not label):
        # A lone hit never labels a column; in a one-value column (a tiny table) the
        # column name must carry the decision.
        return None
    if coverage < needed:
        return None
    score = noisy_or(rule.value_confidence * coverage, config.name_prior_factor * weight)
    if score < rule.min_score:
        return None
    reasons = [
        f"{len(indexes)}/{distinct} distinct sampled values {how} as {entity} ({recognizer})",
        f"{distinct} distinct non-empty values out of {column.non_null} sampled",
    ]
    if label:
        reasons.append(f"column name matches the '{label}' prior (weight {weight:.2f})")
    if rule.may_be_personal:
        reasons.append(
            "may be personal data: a SIREN/SIRET identifies a sole trader "
            "(entrepreneur individuel) by name"
        )
    return ColumnFinding(
        entity_type=entity,
        category=rule.category,
        score=round(score, 3),
        coverage=round(coverage, 3),
        distinct_sampled=distinct,
        recognizer=recognizer,
        name_signal=label,
        masked_example=mask_value(column.values[indexes[0]], entity) if indexes else None,
        may_be_personal=rule.may_be_personal,
        reasons=tuple(reasons),
    )


def name_only(config: DetectionConfig, column: PreparedColumn) -> list[ColumnFinding]:
    """No value to look at (empty column, binary): a suggestion from the name alone."""
    if not column.priors:
        return []
    entity, (weight, label) = max(column.priors.items(), key=lambda item: item[1][0])
    score = weight * config.name_only_factor
    if score < config.name_only_min_score:
        return []
    rule = config.entities[entity]
    return [
        ColumnFinding(
            entity_type=entity,
            category=rule.category,
            score=round(score, 3),
            coverage=0.0,
            distinct_sampled=0,
            recognizer="ColumnNamePrior",
            name_signal=label,
            masked_example=None,
            may_be_personal=rule.may_be_personal,
            reasons=(
                f"column name matches the '{label}' prior (weight {weight:.2f})",
                "no value could be analysed: decided from the column name alone",
            ),
        )
    ]
