"""The one registry of data-store connectors, and the helpers they share.

``connector_for(url)`` picks the connector class by URL scheme. Entries name their
class as ``"module:Class"`` and are imported only when used, so a missing driver
(psycopg, pymysql, pyarrow) never breaks start-up: the connector itself raises
:class:`ScanError` with an "install registre[...]" hint when it is instantiated.

Adding an engine = one module in ``scanners/connectors/`` + one :data:`REGISTRY` line.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, cast
from urllib.parse import urlsplit

from registre.catalog.data.scan_errors import ScanErrorKind, refusal
from registre.catalog.errors import DomainError
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import Connector
from registre.scanners.errors import ScanError

#: Longest text value handed to the classifier; longer values are cut.
MAX_TEXT_CHARS = 1_000


@dataclass(frozen=True)
class ConnectorEntry:
    """One engine: its kind, where its class lives, and the URL schemes it serves."""

    kind: str
    target: str  # "module:Class", relative to this package
    schemes: tuple[str, ...]


REGISTRY: tuple[ConnectorEntry, ...] = (
    ConnectorEntry(
        "postgresql",
        "postgresql:PostgresqlConnector",
        ("postgresql", "postgres", "postgresql+psycopg"),
    ),
    ConnectorEntry(
        "mysql", "mysql:MysqlConnector", ("mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql")
    ),
    ConnectorEntry("sqlite", "sqlite:SqliteConnector", ("sqlite",)),
    ConnectorEntry("file", "files:FileConnector", ("file", "")),  # "": a plain folder path
)


class ConnectorFactory(Protocol):
    """What every registered class accepts: a URL, a statement timeout, a random seed."""

    def __call__(
        self, url: str, *, timeout_s: float = 30, seed: int | None = None
    ) -> Connector: ...


class FileConnectorFactory(Protocol):
    """The file connector also takes the most bytes it reads of one file."""

    def __call__(
        self, url: str, *, timeout_s: float = 30, seed: int | None = None, max_file_bytes: int
    ) -> Connector: ...


def supported_schemes() -> list[str]:
    return [scheme for entry in REGISTRY for scheme in entry.schemes if scheme]


def entry_for(url: str) -> ConnectorEntry:
    """The registry entry serving ``url``; a URL without a scheme is a folder of files."""
    scheme = url_scheme(url)
    for entry in REGISTRY:
        if scheme in entry.schemes:
            return entry
    raise ScanError(
        Text(
            "unsupported data store URL scheme {scheme!r}; supported: {supported} or a folder path",
            scheme=scheme,
            supported=[f"{s}://" for s in supported_schemes()],
        )
    )


def connector_for(
    url: str,
    *,
    timeout_s: float = 30,
    seed: int | None = None,
    max_file_bytes: int | None = None,
) -> Connector:
    """Open the connector serving ``url`` (read-only; statements cut after ``timeout_s``).

    ``seed`` makes sampling reproducible (tests, benchmarks); leave it None in scans.
    ``max_file_bytes`` caps what the file connector reads of one file (its default: 256 MB).
    Raises :class:`ScanError` for an unknown scheme, a missing driver or a store that
    cannot be opened; the message never contains the URL's password.
    """
    if not isinstance(url, str) or not url.strip():
        raise ScanError(Text("empty data store URL"))
    if timeout_s <= 0:
        raise ScanError(Text("timeout_s must be positive"))
    entry = entry_for(url.strip())
    module_name, _, class_name = entry.target.partition(":")
    module = importlib.import_module(f".{module_name}", __package__)
    factory = cast(ConnectorFactory, getattr(module, class_name))
    if entry.kind == "file" and max_file_bytes is not None:
        return cast(FileConnectorFactory, factory)(
            url.strip(), timeout_s=timeout_s, seed=seed, max_file_bytes=max_file_bytes
        )
    return factory(url.strip(), timeout_s=timeout_s, seed=seed)


# --- helpers shared by the connectors -------------------------------------------------


def url_scheme(url: str) -> str:
    """Lower-case scheme; "" for a plain path (including ``C:\\...`` drive paths).

    A database scheme without ``//`` (``mysql:relative/path``) is refused, never taken
    for a folder path: the catalog stores such a URL as a database store.
    """
    scheme = urlsplit(url).scheme.lower()
    if len(scheme) <= 1:
        return ""
    if "://" not in url and scheme != "file":
        database = {s for entry in REGISTRY if entry.kind != "file" for s in entry.schemes}
        if scheme in database:
            raise ScanError(
                Text(
                    "a database URL has '//' after the scheme ({scheme}://...), not {scheme}:path",
                    scheme=scheme,
                ),
                kind=ScanErrorKind.INVALID_CONFIGURATION,
            )
        return ""
    return scheme


def redact_url(url: str) -> str:
    """``scheme://host:port/path`` without user or password, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def url_reason(exc: Exception) -> Text:
    """Why a store's URL cannot be used, in the reader's language: the catalog's refusal
    (a parameter it does not allow), or a host or port that cannot be read."""
    if isinstance(exc, DomainError):
        return refusal(exc)
    return Text("its host or port cannot be read ({detail})", detail=str(exc))


_PLAIN = {int, float, bool, type(None)}


def clean_value(value: object) -> object:
    """A sampled value as handed on: binaries dropped (never decoded), long text cut."""
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        return value[:MAX_TEXT_CHARS]
    return value


def columns_from_rows(
    names: Sequence[str], rows: Sequence[Sequence[object]]
) -> dict[str, list[object]]:
    """Row tuples -> ``{column: [values]}`` in column order, values cleaned."""
    if not rows:
        return {name: [] for name in names}
    columns = zip(*rows, strict=True)
    return {
        name: [v if type(v) in _PLAIN else clean_value(v) for v in values]
        for name, values in zip(names, columns, strict=True)
    }


def random_starts(low: int, high: int, count: int, rng: random.Random) -> Iterator[int]:
    """``count`` random keys in ``[low, high]``, sorted: starts of short index range reads.

    Used where an engine has no block sampling (MySQL, SQLite): ``WHERE key >= start
    ORDER BY key LIMIT k`` costs an index descent plus k rows, whatever the table size.
    """
    yield from sorted(rng.randint(low, high) for _ in range(count))
