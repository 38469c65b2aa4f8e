"""A PostgreSQL store URL reaches only the host it names, with only the store's secret.

A fake server asks for a clear-text password and records what it receives: the Registre
server's own password sources (PGPASSWORD, a .pgpass file) must never be sent to it.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.store_urls import check_url_params
from registre.catalog.data.stores import _check_admin_only, register_data_store
from registre.catalog.db import transaction
from registre.catalog.enums import DataStoreKind, Role
from registre.catalog.errors import InvalidInput, PermissionDenied
from registre.scanners.connectors.postgresql import PostgresqlConnector
from registre.scanners.errors import ScanError
from tests.support.catalogs import Catalog


@pytest.fixture
def password_sink() -> Iterator[tuple[int, list[str]]]:
    received: list[str] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(10)

    def answer(conn: socket.socket) -> None:
        while True:  # refuse SSL/GSS, then read the startup message
            size = struct.unpack("!I", conn.recv(4))[0]
            code = struct.unpack("!I", conn.recv(size - 4)[:4])[0]
            if code in (80877103, 80877104):
                conn.send(b"N")
                continue
            break
        conn.send(b"R" + struct.pack("!II", 8, 3))  # clear-text password, please
        kind = conn.recv(1)
        size = struct.unpack("!I", conn.recv(4))[0]
        if kind == b"p":
            received.append(conn.recv(size - 4).rstrip(b"\0").decode())

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                try:
                    answer(conn)
                except (OSError, struct.error):
                    continue  # the client gave up: nothing was sent

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    server.close()


def test_server_password_sources_never_reach_a_store_host(
    password_sink: tuple[int, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, received = password_sink
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:*:from-pgpass\n127.0.0.1:{port}:*:*:from-pgpass\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.setenv("PGPASSWORD", "from-environment")
    with pytest.raises(ScanError):
        PostgresqlConnector(f"postgresql://registre@127.0.0.1:{port}/app", timeout_s=3)
    assert "from-pgpass" not in received and "from-environment" not in received
    # the store's own secret (put in the URL by connection_url) is what is sent
    with pytest.raises(ScanError):
        PostgresqlConnector(f"postgresql://registre:store-secret@127.0.0.1:{port}/app", timeout_s=3)
    assert received[-1] == "store-secret"


@pytest.mark.parametrize(
    "query",
    ["hostaddr=10.0.0.9", "host=/var/run/postgresql", "passfile=/root/.pgpass", "service=prod",
     "sslkeylogfile=/tmp/keys", "sslkey=/etc/ssl/private/server.key", "SSLMODE=disable",
     "options=-csearch_path%3Dx", "gssencmode=require"],
)  # fmt: skip
def test_parameters_that_reach_the_servers_files_or_other_hosts_are_refused(query: str) -> None:
    url = f"postgresql://reader@db.example.fr/app?{query}"
    with pytest.raises(InvalidInput, match="not allowed in a PostgreSQL store URL"):
        check_url_params(url, DataStoreKind.POSTGRESQL)
    with pytest.raises(ScanError, match="not allowed"):
        PostgresqlConnector(url, timeout_s=1)


def test_allowed_parameters_pass(new_catalog: Callable[..., Catalog]) -> None:
    url = "postgresql://r@db/app?sslmode=require&connect_timeout=5"
    with transaction(new_catalog().factory) as session:
        store = register_data_store(session, CLI_ACTOR, {"name": "app", "url": url})
        assert (store.kind, store.url) == (DataStoreKind.POSTGRESQL, url)


def test_only_admins_register_a_store_on_the_servers_socket() -> None:
    steward = Actor(name="s", role=Role.STEWARD)
    for url in ("postgresql:///registre", "postgresql://postgres@/registre"):
        with pytest.raises(PermissionDenied, match="server's own socket"):
            _check_admin_only(steward, {"url": url}, DataStoreKind.POSTGRESQL)
    with pytest.raises(PermissionDenied, match="name the user"):
        _check_admin_only(
            steward, {"url": "postgresql://db.example.fr/app"}, DataStoreKind.POSTGRESQL
        )
    _check_admin_only(
        Actor(name="a", role=Role.ADMIN), {"url": "postgresql:///x"}, DataStoreKind.POSTGRESQL
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://r@%2Fvar%2Frun%2Fpostgresql/db", "host name or an IP address"),
        ("postgresql://r@127.0.0.1,%2Ftmp/db", "host name or an IP address"),
        ("postgresql://r@%40abstract/db", "host name or an IP address"),
        ("postgresql://r@[]/db", "not a valid URL"),
    ],
)
def test_urls_that_would_reach_a_socket_or_the_servers_identity_are_refused(
    url: str, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        check_url_params(url, DataStoreKind.POSTGRESQL)


def test_the_server_environment_never_fills_in_connection_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from registre.scanners.connectors.postgresql_sql import connection_params

    params = connection_params("postgresql://lecteur@db.example.fr/app", "x")
    # set explicitly, so PGHOSTADDR, PGOPTIONS, PGPORT... of the server have no say
    assert params["hostaddr"] == "" and params["options"] == "" and params["port"] == 5432
    assert params["user"] == "lecteur" and params["password"] == ""
    assert params["sslcertmode"] == "disable" and params["gssencmode"] == "disable"
    assert "gss" not in params["require_auth"]
