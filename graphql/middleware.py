"""What every resolver call passes first: the request's time budget, and arguments clean of
NUL bytes.

Execution runs in a worker thread; a thread cannot be killed from outside, so the work
stops from inside: before each field resolves, :class:`Budget` is checked, and once the
deadline has passed (or the client has gone away) every field still to resolve fails at
once. A long SQL statement is stopped by the database itself (see ``graphql/app.py``:
PostgreSQL's ``statement_timeout``, SQLite's progress handler).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from registre.graphql.conversions import gql_path

TIMEOUT_CODE = "TIMEOUT"


@dataclass
class Budget:
    """The deadline of one request, and whether its client disconnected."""

    seconds: float
    deadline: float = field(init=False)
    disconnected: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    @property
    def exhausted(self) -> bool:
        return self.disconnected.is_set() or time.monotonic() > self.deadline

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> None:
        if self.disconnected.is_set():
            raise GraphQLError("the client disconnected", extensions={"code": TIMEOUT_CODE})
        if time.monotonic() > self.deadline:
            raise GraphQLError(
                f"the request ran longer than {self.seconds:g} s "
                "(setting api_request_timeout_s) and was stopped",
                extensions={"code": TIMEOUT_CODE},
            )


def _nul_path(value: Any, path: str) -> str | None:
    """Where a NUL byte sits in an argument value, if anywhere."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _nul_path(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _nul_path(item, path)
            if found:
                return found
    return None


def guard(next_: Callable[..., Any], root: Any, info: Any, **args: Any) -> Any:
    """graphql-core middleware: check the budget, refuse NUL bytes, then resolve.

    No text the catalog holds contains a NUL (PostgreSQL's text cannot), so an argument
    with one is a bad input; refused here, it never reaches the database, whose driver
    would fail with an internal error."""
    info.context.budget.check()
    for name, value in args.items():
        where = _nul_path(value, name)
        if where:
            path = gql_path(where)
            raise GraphQLError(
                f"{path}: must not contain a NUL character",
                extensions={"code": "INVALID_INPUT", "field": path},
            )
    return next_(root, info, **args)
