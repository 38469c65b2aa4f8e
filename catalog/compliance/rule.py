"""What a compliance rule is: a named, cited check over the facts that yields hits.

A rule does not build issues itself: it yields :class:`Hit` objects (subject, message,
facts), and the engine (:mod:`catalog.compliance`) adds the rule's id, title, legal basis
and severity, lowers the severity of unknowns and scanner suggestions, and marks
obligations that are not yet applicable. So every rule says the same things the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.facts import Facts
from registre.catalog.enums import AISystemStatus, OpenDataAccess
from registre.catalog.i18n import Text

#: the gettext context of open-data access levels in messages (see :mod:`.words`)
OPEN_DATA_ACCESS = "open data access"

__all__ = ["Hit", "Rule", "Severity", "Subject", "active", "code", "in_use", "subject_of"]


@dataclass(frozen=True)
class Subject:
    """What an issue is about: an AI system, a dataset, a processing activity, an organisation."""

    type: str
    id: int
    name: str


def subject_of(entity: Any) -> Subject:
    """The subject of an ORM entity of the register."""
    type_name = type(entity).__name__
    name = entity.qualified_name if type_name == "Dataset" else entity.name
    return Subject(type_name, entity.id, name)


@dataclass(frozen=True)
class Hit:
    """One finding of a rule, before the engine turns it into a :class:`ComplianceIssue`.

    ``facts`` hold ids, names, statuses and dates of the register, never a scanned value.
    ``unknown``: a fact the rule needs is missing (the message starts with "unknown: ").
    ``suggested``: the personal data behind the hit is only suggested by the scanner.
    ``applies_from``: a key of ``application_dates`` overriding the rule's own.
    """

    subject: Subject
    #: what is missing, for a person: a :class:`~registre.catalog.i18n.Text` renders in any
    #: language (its English is the message as always); a plain ``str`` stays English
    message: str
    facts: dict[str, object] = field(default_factory=dict)
    unknown: bool = False
    suggested: bool = False
    applies_from: str | None = None

    def __post_init__(self) -> None:
        if self.unknown and not self.message.startswith("unknown: "):
            raise ValueError(f"an unknown hit's message must start with 'unknown: ': {self}")


Check = Callable[[Facts], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A machine-checkable obligation. ``check`` yields one hit per subject that breaks it."""

    id: str
    title: str
    severity: Severity
    legal_basis: str
    check: Check
    #: key of ``application_dates`` in ``config/compliance.yaml``; None = applies already
    applies_from: str | None = None

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


IN_USE = frozenset({AISystemStatus.PILOT, AISystemStatus.IN_PRODUCTION})


def in_use(system: Any) -> bool:
    """Put into service: piloted with real cases or in production."""
    return system.status in IN_USE


def active(system: Any) -> bool:
    """Not retired (planned systems count: obligations are prepared before go-live)."""
    return system.status is not AISystemStatus.RETIRED


def code(value: Any) -> Text:
    """A code of the register shown in a message (a status, a category, an article): the
    code itself in English, as always; its word in another language (the code is the
    message id, listed in :mod:`.words`). An open-data access level is translated in its
    own context: ``RESTRICTED`` access is not the ``RESTRICTED`` sensitivity."""
    if isinstance(value, OpenDataAccess):
        return Text.in_context(OPEN_DATA_ACCESS, value.value)
    return Text(str(getattr(value, "value", value)))


def iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def blank(value: str | None) -> bool:
    return value is None or not value.strip()
