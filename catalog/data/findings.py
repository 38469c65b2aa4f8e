"""What findings mean for a field, and the steward's review of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.perimeter import domain_of
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.data.harvested import ColumnFinding
from registre.catalog.enums import FindingStatus, Role
from registre.catalog.inputs import FindingReviewInput
from registre.catalog.models.base import utcnow
from registre.catalog.models.data import Field, Finding
from registre.catalog.service import get, update, validate

#: who the audit trail names for changes a scan makes on its own
SCANNER = Actor(name="scanner", role=Role.SCANNER)


#: A suggestion at or above this score is label-grade: it counts as personal data until
#: a steward rejects it. Below, it is only *possible* (a name mentioned in free text, a
#: legal person's SIREN): listed for review, it counts once a steward confirms it.
LABEL_SCORE = 0.5


def is_possible(finding: Finding) -> bool:
    """A low-score suggestion: listed for review, not counted as personal data."""
    return finding.status is FindingStatus.SUGGESTED and finding.score < LABEL_SCORE


def counts_as_personal(finding: Finding) -> bool:
    """A confirmed finding always counts; a label-grade suggestion counts while scans still
    see it; a *possible* one (score below :data:`LABEL_SCORE`) does not."""
    if finding.status is FindingStatus.CONFIRMED:
        return True
    return (
        finding.status is FindingStatus.SUGGESTED
        and finding.gone_since_run_id is None
        and finding.score >= LABEL_SCORE
    )


def counts_as_personal_sql() -> ColumnElement[bool]:
    """The same rule as :func:`counts_as_personal`, as a SQL condition on ``Finding``."""
    return or_(
        Finding.status == FindingStatus.CONFIRMED,
        and_(
            Finding.status == FindingStatus.SUGGESTED,
            Finding.gone_since_run_id.is_(None),
            Finding.score >= LABEL_SCORE,
        ),
    )


def review_finding(
    session: Session, actor: Actor, data: dict[str, Any] | FindingReviewInput
) -> Finding:
    """Confirm or reject a scanner suggestion; the review survives later scans."""
    actor.require(Permission.REVIEW)
    review = validate(FindingReviewInput, data)
    finding = get(session, Finding, review.finding_id, field="findingId")
    actor.require_on(Permission.REVIEW, domain_of(session, finding))
    changes = {
        "status": review.decision,
        "review_comment": review.comment,
        "reviewer": actor.name,
        "reviewed_at": utcnow(),
        "reviewed_coverage": finding.coverage,
        "reviewed_score": finding.score,
        "reviewed_category": finding.category,
    }
    return update(session, actor, finding, changes, action="review_finding")


@dataclass
class FindingCounts:
    new: int = 0
    changed: int = 0
    gone: int = 0
    reopened: list[int] = field(default_factory=list)


def _material(finding: Finding, evidence: ColumnFinding, thresholds: ReopenThresholds) -> bool:
    """Whether new evidence differs enough from the last scan's to count as a change."""
    return (
        abs(evidence.coverage - finding.coverage) >= thresholds.coverage_delta
        or abs(evidence.score - finding.score) >= thresholds.score_delta
        or evidence.category != finding.category
    )


def _moved_since_review(
    finding: Finding, evidence: ColumnFinding, thresholds: ReopenThresholds
) -> bool:
    """Whether evidence moved enough since the steward's review to ask them again."""
    coverage = (
        finding.reviewed_coverage if finding.reviewed_coverage is not None else finding.coverage
    )
    score = finding.reviewed_score if finding.reviewed_score is not None else finding.score
    category = finding.reviewed_category or finding.category
    return (
        abs(evidence.coverage - coverage) >= thresholds.coverage_delta
        or abs(evidence.score - score) >= thresholds.score_delta
        or evidence.category != category
    )


@dataclass(frozen=True)
class ReopenThresholds:
    """How much the evidence must move for a rejected finding to come back as a suggestion."""

    coverage_delta: float = 0.25
    score_delta: float = 0.2


def record_findings(
    session: Session,
    fields: dict[str, Field],
    results: dict[str, list[ColumnFinding]],
    run_id: int,
    scanner_version: str,
    thresholds: ReopenThresholds = ReopenThresholds(),
) -> FindingCounts:
    """Merge one dataset's scanner evidence into its findings, keeping every review.

    * new evidence -> a SUGGESTED finding;
    * evidence seen again -> refreshed; a CONFIRMED finding stays confirmed; a REJECTED one
      stays rejected unless the evidence changed materially (then it is SUGGESTED again);
    * evidence no longer seen -> the finding is marked gone (kept with its review).
    """
    counts = FindingCounts()
    existing: dict[tuple[int, str], Finding] = {}
    for known in fields.values():
        for old in known.findings:
            existing[(known.id, old.entity_type)] = old
    seen: set[tuple[int, str]] = set()
    for column, evidence_list in results.items():
        fld = fields.get(column)
        if fld is None:
            continue
        for evidence in evidence_list:
            key = (fld.id, evidence.entity_type)
            seen.add(key)
            finding = existing.get(key)
            values = _evidence_values(evidence, scanner_version)
            if finding is None:
                fld.findings.append(
                    Finding(**values, first_seen_run_id=run_id, last_seen_run_id=run_id)
                )
                counts.new += 1
                continue
            material = (
                _material(finding, evidence, thresholds) or finding.gone_since_run_id is not None
            )
            reopen = finding.status is FindingStatus.REJECTED and _moved_since_review(
                finding, evidence, thresholds
            )
            before = snapshot(finding) if reopen else None
            for key_name, value in values.items():
                setattr(finding, key_name, value)
            finding.last_seen_run_id = run_id
            finding.gone_since_run_id = None
            if reopen:
                _reopen(session, finding, run_id, before)
                counts.reopened.append(finding.id)
            if material:
                counts.changed += 1
    for key, finding in existing.items():
        if key not in seen and finding.gone_since_run_id is None:
            finding.gone_since_run_id = run_id
            counts.gone += 1
    session.flush()
    return counts


def _evidence_values(evidence: ColumnFinding, scanner_version: str) -> dict[str, Any]:
    return {
        "entity_type": evidence.entity_type,
        "category": evidence.category,
        "score": round(evidence.score, 4),
        "coverage": round(evidence.coverage, 4),
        "distinct_sampled": evidence.distinct_sampled,
        "masked_example": evidence.masked_example,
        "recognizer": evidence.recognizer,
        "name_signal": evidence.name_signal,
        "may_be_personal": evidence.may_be_personal,
        "reasons": list(evidence.reasons),
        "scanner_version": scanner_version,
    }


def _reopen(session: Session, finding: Finding, run_id: int, before: dict[str, Any] | None) -> None:
    """A rejected finding whose evidence changed comes back to the stewards, audited."""
    finding.status = FindingStatus.SUGGESTED
    finding.reviewer = finding.reviewed_at = None
    reason = f"evidence changed materially since the rejection (scan run {run_id})"
    finding.review_comment = reason
    record(session, SCANNER, "reopen_finding", finding, before=before)


def mark_datasets_gone(session: Session, dataset_ids: list[int], run_id: int) -> int:
    """Mark gone every finding of datasets a harvest no longer found; returns how many."""
    if not dataset_ids:
        return 0
    findings = session.scalars(
        select(Finding)
        .join(Field, Field.id == Finding.field_id)
        .where(Field.dataset_id.in_(dataset_ids), Finding.gone_since_run_id.is_(None))
    ).all()
    for finding in findings:
        finding.gone_since_run_id = run_id
    return len(findings)
