"""What a dataset's rows are about: the scanner's inference and a steward's correction.

The scanner records the subject it inferred (or the correction it applied) with its
reasons at every scan (:func:`record_subject`); a steward corrects it
(:func:`correct_subject`), and the correction decides the columns from the next scan on.
Reasons are rule sentences built from column names and counts, never a sampled value;
each is stored as its template and parameters (:meth:`Text.as_json`) so that it reads in
the reader's language (:func:`subject_reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.access.perimeter import domain_of
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.enums import TableSubject
from registre.catalog.i18n import Text
from registre.catalog.inputs import SubjectCorrectionInput
from registre.catalog.models.base import utcnow
from registre.catalog.models.data import Dataset
from registre.catalog.service import get, update, validate

#: how many reasons a dataset keeps, and how long each may be (they are shown as is)
MAX_REASONS, MAX_REASON_LENGTH = 8, 400


def record_subject(
    dataset: Dataset,
    subject: str,
    reasons: Sequence[str],
    quasi_identifiers: dict[str, Any] | None = None,
) -> bool:
    """Write a scan's subject (and, for a table of persons, its quasi-identifiers: names,
    counts and shares) on ``dataset``, in the scan run's transaction; True if changed.

    Not audited one by one: the scan run is the record of what a scan wrote.
    """
    value = TableSubject(subject)
    kept = [_stored(r) for r in reasons[:MAX_REASONS]]
    changed = (
        dataset.subject is not value
        or list(dataset.subject_reasons or []) != kept
        or dataset.quasi_identifiers != quasi_identifiers
    )
    dataset.subject, dataset.subject_reasons = value, kept
    dataset.quasi_identifiers = quasi_identifiers
    return changed


def _stored(reason: str) -> str | dict[str, Any]:
    """A reason as stored: a :class:`Text` as its template and parameters, unless too long
    (then, as any plain sentence, its English cut to the maximum length)."""
    if isinstance(reason, Text) and len(reason) <= MAX_REASON_LENGTH:
        return reason.as_json()
    return str(reason)[:MAX_REASON_LENGTH]


def subject_reasons(dataset: Dataset) -> list[str]:
    """Why the last scan decided the dataset's subject: :class:`Text` to render in the
    reader's language (plain English sentences recorded before reasons were templates)."""
    return [
        Text.from_json(r) if isinstance(r, dict) else str(r) for r in dataset.subject_reasons or []
    ]


def correct_subject(
    session: Session, actor: Actor, data: dict[str, Any] | SubjectCorrectionInput
) -> Dataset:
    """A steward says what the rows are about (or, with ``subject`` null, withdraws it).

    The scan reads the correction instead of inferring, so the columns are re-decided
    at the next scan; until then the findings stay as they are.
    """
    actor.require(Permission.REVIEW)
    correction = validate(SubjectCorrectionInput, data)
    dataset = get(session, Dataset, correction.dataset_id, field="datasetId")
    actor.require_on(Permission.REVIEW, domain_of(session, dataset))
    corrected = correction.subject is not None
    changes = {
        "subject_correction": correction.subject,
        "subject_corrected_by": actor.name if corrected else None,
        "subject_corrected_at": utcnow() if corrected else None,
    }
    return update(session, actor, dataset, changes, action="correct_subject")
