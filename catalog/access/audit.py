"""The audit trail: every change, with who, when, what, before and after."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import secrets
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from registre.catalog.access import perimeter
from registre.catalog.access.roles import Actor
from registre.catalog.errors import Refused
from registre.catalog.models.access import AuditEvent
from registre.catalog.models.base import Base


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


#: A key that lives and dies with the process: fingerprints tell "changed" from "unchanged"
#: within one event, and cannot be reversed by hashing guesses (a masked NIR has only some
#: 20,000 possible values; a plain hash would give them away).
_FINGERPRINT_KEY = secrets.token_bytes(32)


def _fingerprint(value: Any) -> str | None:
    """Shows that a withheld value changed without showing it."""
    if value is None:
        return None
    data = json.dumps(_jsonable(value), sort_keys=True).encode()
    return f"withheld:{hmac.new(_FINGERPRINT_KEY, data, hashlib.sha256).hexdigest()[:12]}"


def snapshot(entity: Base) -> dict[str, Any]:
    """The entity's columns as JSON; the ones it keeps out of the trail (secret references,
    scan evidence) appear only as a fingerprint, so a change shows but not the value."""
    excluded = type(entity).__audit_exclude__
    return {
        attr.key: (
            _fingerprint(getattr(entity, attr.key))
            if attr.key in excluded
            else _jsonable(getattr(entity, attr.key))
        )
        for attr in inspect(entity).mapper.column_attrs
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: Base | None = None,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    domain_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session: it commits or rolls back with the change itself.

    The event records the domain of ``entity`` (read by the filter of the trail) and the
    person behind the actor; a change in a domain where the actor may not write is refused
    here, whatever the service checked before."""
    if entity is not None:
        domain_id = domain_id if domain_id is not None else perimeter.domain_of(session, entity)
        session.flush()
        entity_type = entity_type or type(entity).__name__
        entity_id = entity_id if entity_id is not None else getattr(entity, "id", None)
        if after is None:
            after = snapshot(entity)
    perimeter.check_write(actor, domain_id)
    event = AuditEvent(
        actor=actor.name,
        action=action,
        entity_type=entity_type or "?",
        entity_id=entity_id,
        before=before,
        after=after,
        token_id=actor.token_id,
        user_id=actor.user_id,
        domain_id=domain_id,
    )
    session.add(event)
    return event


def refusal_event(
    actor: Actor, action: str, entity: Base, after: dict[str, Any]
) -> dict[str, object]:
    """What :class:`~registre.catalog.errors.Refused` carries to be recorded after rollback."""
    return {
        "actor": actor.name,
        "action": action,
        "entity_type": type(entity).__name__,
        "entity_id": getattr(entity, "id", None),
        "before": None,
        "after": _jsonable(after),
        "token_id": actor.token_id,
        "user_id": actor.user_id,
        "domain_id": getattr(entity, "domain_id", None),
    }


def record_refusal(session: Session, error: Refused) -> None:
    """Record a refusal's audit event in ``session`` (the refused transaction rolled back)."""
    if error.audit is not None:
        session.add(AuditEvent(**error.audit))
