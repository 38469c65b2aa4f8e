"""Helpers every domain service shares: validation, look-ups, audited changes."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.roles import Actor
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.models.base import Base

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Base)


def validate(model: type[M], data: dict[str, Any] | M) -> M:
    """Turn untrusted input into ``model``, or raise InvalidInput naming the field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        if len(exc.errors()) > 1:
            others = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()[1:]
            )
            message = f"{message} (also: {others})"
        raise InvalidInput(message, field=field) from None


def get(session: Session, model: type[E], entity_id: int, *, field: str = "id") -> E:
    entity = session.get(model, entity_id)
    if entity is None:
        raise NotFound(f"no {model.__name__} with id {entity_id}", field=field)
    return entity


def ensure_unique(
    session: Session, model: type[E], column: str, value: Any, *, field: str | None = None
) -> None:
    exists = session.scalar(select(model.id).where(getattr(model, column) == value))  # type: ignore[attr-defined]
    if exists is not None:
        raise Conflict(
            f"a {model.__name__} named '{value}' already exists (id {exists})",
            field=field or column,
        )


def create(session: Session, actor: Actor, entity: E, *, action: str) -> E:
    session.add(entity)
    try:
        session.flush()
    except IntegrityError:
        # The check before the insert passed, so another request won the race.
        raise Conflict(
            f"this {type(entity).__name__} clashes with one registered at the same moment; "
            "look it up and try again"
        ) from None
    record(session, actor, action, entity)
    return entity


def update(session: Session, actor: Actor, entity: E, changes: dict[str, Any], *, action: str) -> E:
    """Apply the fields the caller set; audit before and after in the same transaction."""
    before = snapshot(entity)
    for key, value in changes.items():
        setattr(entity, key, value)
    session.flush()
    record(session, actor, action, entity, before=before)
    return entity


def set_fields(data: BaseModel) -> dict[str, Any]:
    """Only the fields the caller actually sent (an update leaves the rest alone)."""
    return {key: getattr(data, key) for key in data.model_fields_set}
