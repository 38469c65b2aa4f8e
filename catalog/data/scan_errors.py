"""What went wrong in a scan, and how much of it each role may read.

A scan records each failure on its run as ``{"dataset", "kind", "message"}``. The
``message`` is the detailed one (the driver's words for a refused connection, a missing
role, the first bytes a foreign service answered): useful to the admin who fixes the
store, and a port scanner in anyone else's hands. So the detail is for admins only; every
other role reads the :class:`ScanErrorKind` and a fixed sentence naming the table.

The scanners classify the exception (:func:`registre.scanners.errors.error_kind`); this
module only decides what an actor sees, so the API and the CLI never hold that rule.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from registre.catalog.access.roles import Actor, Permission
from registre.catalog.errors import DomainError
from registre.catalog.i18n import N_, Text


class ScanErrorKind(enum.StrEnum):
    """Why a store or a table could not be scanned, in words every role may read."""

    UNREACHABLE = "unreachable"
    AUTHENTICATION_FAILED = "authentication failed"
    PERMISSION_DENIED = "permission denied"
    TIMEOUT = "timeout"
    INVALID_DATA = "invalid data"
    NOT_FOUND = "not found"
    INVALID_CONFIGURATION = "invalid configuration"
    CANCELLED = "cancelled"
    #: not read on purpose: sampling it would cost too much (an aggregating view's plan)
    SKIPPED = "skipped"
    INTERNAL = "internal"


_SENTENCES = {
    ScanErrorKind.UNREACHABLE: N_("the data store could not be reached"),
    ScanErrorKind.AUTHENTICATION_FAILED: N_("the data store refused the scanner's credentials"),
    ScanErrorKind.PERMISSION_DENIED: N_("the scanner is not allowed to read it"),
    ScanErrorKind.TIMEOUT: N_("it took longer than the configured timeout"),
    ScanErrorKind.INVALID_DATA: N_("its content could not be read"),
    ScanErrorKind.NOT_FOUND: N_("it was not found"),
    ScanErrorKind.INVALID_CONFIGURATION: N_("the data store's registration is not usable"),
    ScanErrorKind.CANCELLED: N_("the scan was cancelled"),
    ScanErrorKind.SKIPPED: N_("sampling it would cost more than the scan allows"),
    ScanErrorKind.INTERNAL: N_("the scanner failed"),
}


def error_record(dataset: str | None, kind: ScanErrorKind, message: str) -> dict[str, Any]:
    """One entry of ``ScanRun.errors``: ``message`` is the admin's detail (its English; a
    :class:`Text` is also kept as its template, ``text``, to be read in any language)."""
    record: dict[str, Any] = {"dataset": dataset, "kind": kind.value, "message": str(message)}
    if isinstance(message, Text):
        record["text"] = message.as_json()
    return record


def refusal(exc: DomainError) -> Text:
    """A refusal of the catalog (its field, its message) as a parameter of a scan error."""
    if exc.field:
        return Text("{field}: {message}", field=exc.field, message=exc.message)
    return Text("{message}", message=exc.message)


def not_queued(exc: BaseException) -> Text:
    """Why a run is closed when the queue refused its job (the exception's class only)."""
    return Text("could not be queued ({error})", error=type(exc).__name__)


def detail(entry: Mapping[str, object]) -> str:
    """The admin's detail of an entry of ``ScanRun.errors``: a :class:`Text` when it was
    recorded with its template (read it with :func:`~registre.catalog.i18n.translate`)."""
    text = entry.get("text")
    if isinstance(text, Mapping):
        return Text.from_json(text)
    return str(entry.get("message") or "")


def generic_message(dataset: str | None, kind: ScanErrorKind) -> Text:
    """The fixed sentence every role may read: the table's name and the kind, nothing else
    (a :class:`Text`, in the reader's language)."""
    reason = Text(_SENTENCES[kind])
    if dataset is None:
        return Text("The scan failed: {reason}.", reason=reason)
    return Text("Table {dataset} could not be scanned: {reason}.", dataset=dataset, reason=reason)


@dataclass(frozen=True)
class VisibleScanError:
    """A scan error as one actor may read it."""

    dataset: str | None
    kind: ScanErrorKind
    message: str


def _kind_of(entry: Mapping[str, object]) -> ScanErrorKind:
    try:
        return ScanErrorKind(str(entry.get("kind")))
    except ValueError:  # runs recorded before errors had a kind
        return ScanErrorKind.INTERNAL


def visible_scan_errors(
    actor: Actor, errors: Iterable[Mapping[str, object]]
) -> list[VisibleScanError]:
    """The run's errors as ``actor`` may read them: detailed for admins, generic otherwise."""
    detailed = actor.can(Permission.ADMIN)
    out = []
    for entry in errors:
        dataset = entry.get("dataset")
        name = None if dataset is None else str(dataset)
        kind = _kind_of(entry)
        message = detail(entry) if detailed else generic_message(name, kind)
        out.append(VisibleScanError(name, kind, message))
    return out
