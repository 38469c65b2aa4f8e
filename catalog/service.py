"""Helpers every domain service shares: validation, look-ups, audited changes."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registre.catalog.access import perimeter
from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.roles import Actor
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import Joined, Text
from registre.catalog.models.base import Base
from registre.catalog.pydantic_messages import pydantic_message

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Base)


def validate(model: type[M], data: dict[str, Any] | M) -> M:
    """Turn untrusted input into ``model``, or raise InvalidInput naming the field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message: str = _message(first)
        if len(errors) > 1:
            others = [
                Text(
                    "{field}: {message}",
                    field=".".join(str(p) for p in e["loc"]),
                    message=_message(e),
                )
                for e in errors[1:]
            ]
            message = Text("{message} (also: {others})", message=message, others=Joined(others))
        raise InvalidInput(message, field=field) from None


def _message(error: Any) -> Text:
    """One pydantic error as a translatable message (see :mod:`.pydantic_messages`)."""
    return pydantic_message(error)


def get(session: Session, model: type[E], entity_id: int, *, field: str = "id") -> E:
    entity = session.get(model, entity_id)
    if entity is None:
        raise NotFound(
            Text("no {model} with id {id}", model=model.__name__, id=entity_id), field=field
        )
    return entity


def ensure_unique(
    session: Session, model: type[E], column: str, value: Any, *, field: str | None = None
) -> None:
    """Names are unique across the whole catalog, every domain included: the check reads
    past the caller's perimeter, and names the clashing row's id only when the caller sees
    it."""
    key = model.id  # type: ignore[attr-defined]
    with perimeter.whole(session):
        exists = session.scalar(select(key).where(getattr(model, column) == value))
    if exists is None:
        return
    if session.scalar(select(key).where(key == exists)) is None:
        raise Conflict(
            Text(
                "a {model} named '{value}' already exists, outside your domains",
                model=model.__name__,
                value=value,
            ),
            field=field or column,
        )
    raise Conflict(
        Text(
            "a {model} named '{value}' already exists (id {id})",
            model=model.__name__,
            value=value,
            id=exists,
        ),
        field=field or column,
    )


def create(session: Session, actor: Actor, entity: E, *, action: str) -> E:
    session.add(entity)
    try:
        session.flush()
    except IntegrityError:
        # The check before the insert passed, so another request won the race.
        raise Conflict(
            Text(
                "this {value} clashes with one registered at the same moment; look it up and try "
                "again",
                value=type(entity).__name__,
            )
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
