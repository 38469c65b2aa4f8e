"""The rules a data-store URL must follow, checked before any scanner touches it.

Registration (:func:`registre.catalog.data.stores.register_data_store`) refuses a bad URL
with :class:`~registre.catalog.errors.InvalidInput`; connectors apply the same rules
before they connect, so both sides agree on what a store URL may say. Only the standard
library and catalog enums/errors are imported here: connectors import this module at start-up.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from registre.catalog.enums import DataStoreKind
from registre.catalog.errors import InvalidInput

_SCHEMES = {
    "postgresql": DataStoreKind.POSTGRESQL,
    "postgres": DataStoreKind.POSTGRESQL,
    "mysql": DataStoreKind.MYSQL,
    "mariadb": DataStoreKind.MYSQL,
    "sqlite": DataStoreKind.SQLITE,
    "file": DataStoreKind.FILES,
}


def store_kind(url: str) -> DataStoreKind:
    """The engine a connection URL points to, or InvalidInput saying which are known."""
    try:
        scheme = urlsplit(url).scheme.split("+", 1)[0].lower()
    except ValueError as exc:
        raise InvalidInput(f"not a valid URL ({exc})", field="url") from None
    if scheme not in _SCHEMES:
        known = ", ".join(f"{s}://" for s in sorted(_SCHEMES))
        raise InvalidInput(
            f"unsupported URL scheme '{scheme or '(none)'}'; use one of {known}", field="url"
        )
    return _SCHEMES[scheme]


#: query parameters through which drivers (libpq, PyMySQL) accept a password
_PASSWORD_PARAMS = frozenset({"password", "passwd", "pwd"})

#: the only libpq parameters a PostgreSQL store URL may carry: others make libpq read or
#: write files of the Registre server (passfile, service, sslkey, sslkeylogfile...) or
#: connect elsewhere than the URL's host (host, hostaddr)
POSTGRESQL_URL_PARAMS = frozenset(
    {"sslmode", "connect_timeout", "application_name", "target_session_attrs"}
)

#: a host name or an IP address: no socket path ("/..." or "%2F..."), no host list (","),
#: no abstract socket ("@...")
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def check_url_params(url: str, kind: DataStoreKind) -> None:
    """Refuse a URL that would reach beyond the one host it names, or the server's files.

    Registration calls it before a store is stored; the PostgreSQL connector calls it
    again on the URL it is handed, which need not come from a registered store.
    """
    if kind is not DataStoreKind.POSTGRESQL:
        return
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise InvalidInput(f"not a valid URL ({exc})", field="url") from None
    if host is not None and not _HOST.fullmatch(host):
        raise InvalidInput(
            "the host must be a host name or an IP address (no socket path, no host list)",
            field="url",
        )

    names = [key for key, _ in parse_qsl(parts.query, keep_blank_values=True)]
    refused = sorted(set(names) - POSTGRESQL_URL_PARAMS)
    if refused:
        raise InvalidInput(
            f"parameter(s) {', '.join(refused)} not allowed in a PostgreSQL store URL; "
            f"allowed: {', '.join(sorted(POSTGRESQL_URL_PARAMS))}",
            field="url",
        )


def check_no_password(url: str) -> None:
    """Refuse a URL that carries a password: the catalog never stores secrets."""
    try:
        parts = urlsplit(url)
        parts.password  # noqa: B018 - parsing the netloc raises on a malformed URL
    except ValueError as exc:
        raise InvalidInput(f"not a valid URL ({exc})", field="url") from None
    in_query = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if parts.password or in_query & _PASSWORD_PARAMS:
        raise InvalidInput(
            "contains a password; the catalog never stores secrets. Remove it from the URL "
            "and give secretRef 'env:VARIABLE' or 'file:/path' instead",
            field="url",
        )
