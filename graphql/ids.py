"""Global object ids (``base64("Dataset:12")``), as Relay's ``node(id)`` expects."""

from __future__ import annotations

import re

from graphql_relay import from_global_id, to_global_id

from graphql import GraphQLError

__all__ = ["MAX_KEY", "decode_id", "to_global_id"]

#: the largest primary key of the catalog: keys are INTEGER, 32 bits on PostgreSQL
MAX_KEY = 2**31 - 1

# ASCII digits only: str.isdigit() also accepts '²' or '①', which int() then refuses, and
# int() reads other scripts' digits ('١٢') as numbers no client ever sent.
_DECIMAL = re.compile(r"[0-9]{1,12}")


def key_or_none(text: str) -> int | None:
    """The key written in ``text`` (ASCII digits, within the keys' range), else None."""
    if not _DECIMAL.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_KEY else None


def decode_id(value: str | int, type_name: str, field: str) -> int:
    """The database id behind a global id of ``type_name`` (a plain number is accepted too).

    A number beyond the keys' range is refused here, before it reaches the database (SQLite
    overflows at 2^63, PostgreSQL's INTEGER at 2^31): no object can have that id."""
    text = str(value).strip()
    key = key_or_none(text)
    if key is None:
        try:
            kind, raw = from_global_id(text)
        except Exception:  # noqa: BLE001 - graphql_relay raises assorted errors on garbage
            kind, raw = "", ""
        key = key_or_none(raw) if kind == type_name else None
    if key is None:
        raise GraphQLError(
            f"{field}: '{value}' is not the id of a {type_name}",
            extensions={"code": "INVALID_INPUT", "field": field},
        )
    return key
