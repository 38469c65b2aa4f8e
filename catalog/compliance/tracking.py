"""Stored compliance issues kept current by the unit of work itself.

:func:`keep_current` hooks a session factory: every flush notes which rows of the
register were written (:class:`~.store.Change`, from the session's new, changed and
deleted objects, the objects added to or removed from their relationships, and the
before/after of the audit events that bulk statements record), and just before the
transaction commits, :func:`~.store.refresh` re-evaluates the subjects those rows touch,
once per transaction. The issues commit with the change or not at all.

Every write service of ``catalog/`` (register, findings review, stores, links,
assessments, policies, organisations) and the scanner's writes go through such a
session, so none of them calls the refresh itself. Writes that bypass the ORM without an
audit event (bulk loads) are caught up with ``registre compliance refresh``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from registre.catalog.access import perimeter
from registre.catalog.compliance.engine import Subjects
from registre.catalog.compliance.store import Change, affected, refresh
from registre.catalog.models.access import AuditEvent

__all__ = ["keep_current", "note"]

_KEY = "registre.compliance.change"
_BUSY = "registre.compliance.refreshing"

Getter = Callable[[str], Any]


def _ids(value: Any) -> set[int]:
    return {value} if isinstance(value, int) else set()


def _seed(change: Change, kind: str, get: Getter) -> None:
    """Note on ``change`` what one row of ``kind`` (a model's name) touches."""
    if kind == "AISystem":
        change.ai_systems |= _ids(get("id"))
    elif kind == "AISystemDataset":
        change.ai_systems |= _ids(get("ai_system_id"))
        change.datasets |= _ids(get("dataset_id"))
    elif kind == "AISystemPolicy":
        change.ai_systems |= _ids(get("ai_system_id"))
    elif kind == "Policy":
        change.policies |= _ids(get("id"))
    elif kind == "Assessment":
        change.ai_systems |= _ids(get("ai_system_id"))
        change.activities |= _ids(get("processing_activity_id"))
    elif kind == "ProcessingActivity":
        change.activities |= _ids(get("id"))
    elif kind == "Dataset":
        change.datasets |= _ids(get("id"))
    elif kind == "DataStore":
        change.stores |= _ids(get("id"))
    elif kind == "Field":
        change.datasets |= _ids(get("dataset_id"))
    elif kind == "Finding":
        change.fields |= _ids(get("field_id"))
        change.findings |= _ids(get("id"))
    elif kind == "Organisation":
        # itself, and what names it (see store.affected)
        change.organisations |= _ids(get("id"))


#: what the kept exposure (:mod:`registre.catalog.exposure.kept`) reads of an AI system and
#: of an organisation: a write to anything else of theirs leaves it as it was
EXPOSURE_READS = {
    "AISystem": (
        "risk_class",
        "hosting_country",
        "hosting_organisation_id",
        "provider_id",
        "hosting_organisation",
        "provider",
    ),
    "Organisation": ("country", "non_eu_control"),
}
#: what the kept exposure never reads
EXPOSURE_IGNORES = frozenset({"Policy", "AISystemPolicy", "Assessment", "ProcessingActivity"})


def _exposure_reads(kind: str, changed: Callable[[str], bool], whole: bool) -> bool:
    """Whether a write to a row of ``kind`` may change the kept exposure: ``whole`` for a
    row added or deleted, else ``changed(attribute)`` for what the exposure reads of it."""
    if kind in EXPOSURE_IGNORES:
        return False
    if kind not in EXPOSURE_READS or whole:
        return True
    return any(changed(name) for name in EXPOSURE_READS[kind])


def _from_audit(change: Change, audit: AuditEvent) -> None:
    before, after = audit.before, audit.after
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        read = _exposure_reads(audit.entity_type, lambda k: before.get(k) != after.get(k), False)
    else:  # a row added or deleted, or a bulk statement's own record
        read = _exposure_reads(audit.entity_type, bool, True)
    change.exposure = change.exposure or read
    for snapshot in (audit.before, audit.after):
        if isinstance(snapshot, Mapping):
            _seed(change, audit.entity_type, snapshot.get)
    if audit.entity_id is not None:
        _seed(change, audit.entity_type, {"id": audit.entity_id}.get)


def _getter(obj: Any) -> Getter:
    return lambda name: getattr(obj, name, None)


def _from_object(change: Change, obj: Any, deleted: bool = False, new: bool = False) -> None:
    if isinstance(obj, AuditEvent):
        _from_audit(change, obj)
        return
    state = inspect(obj)
    kind = type(obj).__name__
    if not change.exposure:
        changed = lambda name: get_history(obj, name).has_changes()  # noqa: E731
        change.exposure = _exposure_reads(kind, changed, deleted or new)
    if kind == "Organisation" and (deleted or get_history(obj, "name").deleted):
        # renamed or deleted: it may have been the configured default deployer, and what
        # named it is no longer found by its id
        change.everything = True
    _seed(change, kind, _getter(obj))
    for name in ("ai_system_id", "dataset_id", "field_id", "processing_activity_id"):
        # a foreign key moved: the row it left is touched too
        if name in state.mapper.columns:
            for old in get_history(obj, name).deleted or ():
                _seed(change, kind, {name: old}.get)
    for rel in state.mapper.relationships:
        history = get_history(obj, rel.key)
        for other in (*(history.added or ()), *(history.deleted or ())):
            if other is not None:
                _seed(change, type(other).__name__, _getter(other))


def note(session: Session, change: Change) -> None:
    """Add what a write outside the ORM touched (a bulk statement with no audit event)."""
    session.info.setdefault(_KEY, Change()).merge(change)


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_BUSY):
        return
    # nothing the exposure reads written yet (see _exposure_reads)
    change = session.info.setdefault(_KEY, Change(exposure=False))
    for obj in session.new:
        _from_object(change, obj, new=True)
    for obj in session.dirty:
        _from_object(change, obj)
    for obj in session.deleted:
        _from_object(change, obj, deleted=True)


#: what else a transaction keeps current from the subjects it touched and what it wrote
#: (see keep_current)
Refresher = Callable[[Session, Subjects, Change], None]


def _before_commit(session: Session, also: tuple[Refresher, ...] = ()) -> None:
    if session.info.get(_BUSY):
        return
    session.flush()  # the last changes, noted by _after_flush
    change = session.info.pop(_KEY, None)
    if not change:
        return
    session.info[_BUSY] = True
    try:
        # the upkeep judges the whole register, never the caller's view of it
        with session.no_autoflush, perimeter.whole(session):
            subjects = affected(session, change)
            refresh(session, subjects)
            for fn in also:
                fn(session, subjects, change)
        session.flush()
    finally:
        session.info.pop(_BUSY, None)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


def keep_current(factory: sessionmaker[Session], *also: Refresher) -> sessionmaker[Session]:
    """Make every transaction of ``factory``'s sessions keep the stored issues current, and
    call each of ``also`` with the same subjects (other derived tables kept the same way,
    such as :mod:`registre.catalog.exposure.kept`, which compliance does not import)."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", functools.partial(_before_commit, also=also))
    event.listen(factory, "after_rollback", _forget)
    return factory
