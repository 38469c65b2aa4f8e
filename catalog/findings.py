"""What findings mean for a field, and the steward's review of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from .access import Actor, Permission
from .base import utcnow
from .data_models import Finding
from .enums import FindingStatus
from .inputs import FindingReviewInput
from .service import get, update, validate


def counts_as_personal(finding: Finding) -> bool:
    """A confirmed finding always counts; a suggestion counts while scans still see it."""
    if finding.status is FindingStatus.CONFIRMED:
        return True
    return finding.status is FindingStatus.SUGGESTED and finding.gone_since_run_id is None


def counts_as_personal_sql() -> ColumnElement[bool]:
    """The same rule as :func:`counts_as_personal`, as a SQL condition on ``Finding``."""
    return or_(
        Finding.status == FindingStatus.CONFIRMED,
        and_(Finding.status == FindingStatus.SUGGESTED, Finding.gone_since_run_id.is_(None)),
    )


def review_finding(session: Session, actor: Actor, data: dict[str, Any] | FindingReviewInput) -> Finding:
    """Confirm or reject a scanner suggestion; the review survives later scans."""
    actor.require(Permission.REVIEW)
    review = validate(FindingReviewInput, data)
    finding = get(session, Finding, review.finding_id, field="findingId")
    changes = {
        "status": review.decision,
        "review_comment": review.comment,
        "reviewer": actor.name,
        "reviewed_at": utcnow(),
    }
    return update(session, actor, finding, changes, action="review_finding")
