"""Global object ids (``base64("Dataset:12")``), as Relay's ``node(id)`` expects."""

from __future__ import annotations

from graphql_relay import from_global_id, to_global_id

from graphql import GraphQLError

__all__ = ["decode_id", "to_global_id"]


def decode_id(value: str | int, type_name: str, field: str) -> int:
    """The database id behind a global id of ``type_name`` (a plain number is accepted too)."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        kind, raw = from_global_id(text)
    except Exception:  # noqa: BLE001 - graphql_relay raises assorted errors on garbage
        kind, raw = "", ""
    if kind != type_name or not raw.isdigit():
        raise GraphQLError(
            f"{field}: '{value}' is not the id of a {type_name}",
            extensions={"code": "INVALID_INPUT", "field": field},
        )
    return int(raw)
