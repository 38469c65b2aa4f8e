"""The rules a data-store URL must follow, checked before any scanner touches it.

Registration (:func:`registre.catalog.data.stores.register_data_store`) refuses a bad URL
with :class:`~registre.catalog.errors.InvalidInput`; connectors apply the same rules
before they connect, so both sides agree on what a store URL may say. Only the standard
library and catalog enums/errors are imported here: connectors import this module at start-up.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from registre.catalog.enums import DataStoreKind
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text

_SCHEMES = {
    "postgresql": DataStoreKind.POSTGRESQL,
    "postgres": DataStoreKind.POSTGRESQL,
    "mysql": DataStoreKind.MYSQL,
    "mariadb": DataStoreKind.MYSQL,
    "sqlite": DataStoreKind.SQLITE,
    "file": DataStoreKind.FILES,
}

#: engines reached through a server: their URL names it after ``//``
SERVER_KINDS = frozenset({DataStoreKind.POSTGRESQL, DataStoreKind.MYSQL})

#: how messages name each engine
ENGINE_NAMES = {
    DataStoreKind.POSTGRESQL: "PostgreSQL",
    DataStoreKind.MYSQL: "MySQL/MariaDB",
    DataStoreKind.SQLITE: "SQLite",
    DataStoreKind.FILES: "file",
}


def store_kind(url: str) -> DataStoreKind:
    """The engine a connection URL points to, or InvalidInput saying which are known.

    The URL's shape must match its engine: a database URL has ``//`` after the scheme
    (``mysql:relative/path`` is refused: a connector taking it for a folder path would
    scan the server's disk), a ``file:`` URL names an absolute path on this machine.
    """
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0].lower()
    except ValueError as exc:
        raise InvalidInput(Text("not a valid URL ({exc})", exc=exc), field="url") from None
    if scheme not in _SCHEMES:
        known = ", ".join(f"{s}://" for s in sorted(_SCHEMES))
        raise InvalidInput(
            Text(
                "unsupported URL scheme '{value}'; use one of {known}",
                value=scheme or "(none)",
                known=known,
            ),
            field="url",
        )
    kind = _SCHEMES[scheme]
    if kind is DataStoreKind.FILES:
        _check_file_url(parts)
    elif not url[len(parts.scheme) + 1 :].startswith("//"):
        raise InvalidInput(
            Text(
                "a {value} URL has '//' after the scheme ({scheme}://...); '{scheme}:' followed "
                "by a path is not a database URL",
                value=ENGINE_NAMES[kind],
                scheme=parts.scheme,
            ),
            field="url",
        )
    return kind


def _check_file_url(parts: SplitResult) -> None:
    if parts.netloc not in ("", "localhost"):
        raise InvalidInput(
            Text(
                "a file URL names a folder of this server (file:///folder), not host {netloc}",
                netloc=parts.netloc,
            ),
            field="url",
        )
    if not unquote(parts.path).startswith("/"):
        raise InvalidInput(
            Text(
                "a file URL names an absolute path (file:///srv/data): a relative one would "
                "depend on the server's working directory"
            ),
            field="url",
        )


#: query parameters through which drivers (libpq, PyMySQL) accept a password
_PASSWORD_PARAMS = frozenset({"password", "passwd", "pwd"})

#: the only libpq parameters a PostgreSQL store URL may carry: others make libpq read or
#: write files of the Registre server (passfile, service, sslkey, sslkeylogfile...) or
#: connect elsewhere than the URL's host (host, hostaddr)
POSTGRESQL_URL_PARAMS = frozenset(
    {"sslmode", "connect_timeout", "application_name", "target_session_attrs"}
)

#: the MySQL/MariaDB parameters the connector applies (see
#: :mod:`registre.scanners.connectors.mysql`); every other one is refused rather than
#: silently ignored, and none reads the server's files (no ``read_default_file``,
#: ``ssl_key``, ``unix_socket``...)
MYSQL_URL_PARAMS = frozenset({"charset", "ssl_mode", "connect_timeout"})

#: values allowed for the parameters that take a fixed set
POSTGRESQL_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
POSTGRESQL_SESSION_ATTRS = (
    "any", "read-write", "read-only", "primary", "standby", "prefer-standby",
)  # fmt: skip
MYSQL_CHARSETS = ("latin1", "utf8", "utf8mb3", "utf8mb4")
MYSQL_SSL_MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")

_ALLOWED_PARAMS = {
    DataStoreKind.POSTGRESQL: POSTGRESQL_URL_PARAMS,
    DataStoreKind.MYSQL: MYSQL_URL_PARAMS,
}

#: a host name or an IP address: no socket path ("/..." or "%2F..."), no host list (","),
#: no abstract socket ("@...")
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def check_url_params(url: str, kind: DataStoreKind) -> None:
    """Refuse a URL that would reach beyond the one host it names, or the server's files.

    Registration calls it before a store is stored; the PostgreSQL and MySQL connectors
    call it again on the URL they are handed, which need not come from a registered store.
    Only the parameters a connector applies are accepted, each with a value it can use.
    """
    if kind not in SERVER_KINDS:
        return
    engine = ENGINE_NAMES[kind]
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise InvalidInput(Text("not a valid URL ({exc})", exc=exc), field="url") from None
    if host is not None and not _HOST.fullmatch(host):
        raise InvalidInput(
            Text("the host must be a host name or an IP address (no socket path, no host list)"),
            field="url",
        )
    if kind is DataStoreKind.MYSQL:
        database = unquote(parts.path.lstrip("/"))
        if not database or "/" in database:
            raise InvalidInput(
                Text("a MySQL/MariaDB URL names one database: mysql://user@host/db"), field="url"
            )

    allowed = _ALLOWED_PARAMS[kind]
    params = parse_qsl(parts.query, keep_blank_values=True)
    refused = sorted({key for key, _ in params} - allowed)
    if refused:
        raise InvalidInput(
            Text(
                "parameter(s) {items} not allowed in a {engine} store URL; allowed: {items2}",
                items=", ".join(refused),
                engine=engine,
                items2=", ".join(sorted(allowed)),
            ),
            field="url",
        )
    choices_of = (
        {"sslmode": POSTGRESQL_SSL_MODES, "target_session_attrs": POSTGRESQL_SESSION_ATTRS}
        if kind is DataStoreKind.POSTGRESQL
        else {"charset": MYSQL_CHARSETS, "ssl_mode": MYSQL_SSL_MODES}
    )
    for key, value in params:
        _check_param_value(key, value, choices_of.get(key))


def _check_param_value(key: str, value: str, choices: tuple[str, ...] | None) -> None:
    if choices is not None and value not in choices:
        raise InvalidInput(
            Text(
                "{key}={value!r} is not supported; use one of {items}",
                key=key,
                value=value,
                items=", ".join(choices),
            ),
            field="url",
        )
    if key == "connect_timeout" and not (value.isascii() and value.isdigit() and int(value) > 0):
        raise InvalidInput(
            Text(
                "connect_timeout is a whole number of seconds above 0 (the scan never waits "
                "longer than the server's configured timeout, whatever the URL says)"
            ),
            field="url",
        )


def url_connect_timeout(url: str, configured_s: float) -> float:
    """The connect timeout to use: the URL's ``connect_timeout``, never above the setting.

    A URL may ask for less than the configured timeout, never more: a store's URL is
    written by whoever registered it, the timeout by the server's operator.
    """
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "connect_timeout" and value.isascii() and value.isdigit() and int(value) > 0:
            return min(float(value), configured_s)
    return configured_s


def check_no_password(url: str) -> None:
    """Refuse a URL that carries a password: the catalog never stores secrets."""
    try:
        parts = urlsplit(url)
        parts.password  # noqa: B018 - parsing the netloc raises on a malformed URL
    except ValueError as exc:
        raise InvalidInput(Text("not a valid URL ({exc})", exc=exc), field="url") from None
    in_query = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if parts.password or in_query & _PASSWORD_PARAMS:
        raise InvalidInput(
            Text(
                "contains a password; the catalog never stores secrets. Remove it from the URL "
                "and give secretRef 'env:VARIABLE' or 'file:/path' instead"
            ),
            field="url",
        )
