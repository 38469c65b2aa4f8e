"""Connectors apply the catalog's URL rules themselves, and never wait longer than configured.

A URL handed to a connector need not come from a registered store (CLI, a future importer):
each connector checks it with the catalog's rules before connecting, and a URL's
``connect_timeout`` can only lower the configured timeout.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registre.catalog.data.scan_errors import ScanErrorKind
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("mysql:relative/path", "a database URL has '//' after the scheme"),
        ("postgresql:srv/data", "a database URL has '//' after the scheme"),
        ("mysql://root@127.0.0.1/db?read_default_file=/etc/passwd", "allowed: charset, "),
        ("mysql://root@127.0.0.1/db?unix_socket=/run/mysqld/mysqld.sock", "not allowed"),
        ("mysql://root@127.0.0.1/db?charset=big5", "charset='big5' is not supported"),
        ("mysql://root@127.0.0.1/", "names one database"),
        ("postgresql://u@127.0.0.1/db?passfile=/root/.pgpass", "not allowed"),
        ("file:relative/data", "absolute path"),
    ],
)
def test_connectors_refuse_what_registration_refuses(url: str, refusal: str) -> None:
    with pytest.raises(ScanError) as raised:
        connector_for(url, timeout_s=2)
    assert refusal in str(raised.value), str(raised.value)
    assert raised.value.kind is ScanErrorKind.INVALID_CONFIGURATION


def test_a_database_scheme_is_never_scanned_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mysql:data").mkdir()
    (tmp_path / "mysql:data" / "x.csv").write_text("nom\nDupont\nDurand\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScanError, match="'//'"):
        connector_for("mysql:data")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP service that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()
    clients: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                clients.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    for client in clients:
        client.close()
    server.close()


@pytest.mark.parametrize(("scheme", "at_most"), [("postgresql", 6.0), ("mysql", 12.0)])
def test_url_connect_timeout_cannot_raise_the_configured_one(
    silent_port: int, scheme: str, at_most: float
) -> None:
    url = f"{scheme}://lecteur@127.0.0.1:{silent_port}/paie?connect_timeout=100000"
    started = time.monotonic()
    with pytest.raises(ScanError) as raised:
        connector_for(url, timeout_s=2)
    elapsed = time.monotonic() - started
    # PostgreSQL: connect_timeout 2 s; MySQL: 2 s to connect, then the read timeout
    # (the statement timeout + 5 s of grace, so the server's own timeout answers first)
    assert elapsed < at_most, f"waited {elapsed:.1f} s"
    assert raised.value.kind is ScanErrorKind.TIMEOUT, raised.value


@pytest.mark.mysql
def test_mysql_parameters_are_applied(mysql_server_url: str) -> None:
    from registre.scanners.connectors.mysql import MysqlConnector

    connector = connector_for(f"{mysql_server_url}?charset=latin1&ssl_mode=DISABLED", timeout_s=5)
    assert isinstance(connector, MysqlConnector)
    try:
        with connector._conn.cursor() as cur:
            cur.execute("SELECT @@character_set_client")
            assert cur.fetchone()[0] == "latin1"
    finally:
        connector.close()
    # PREFERRED (the default) connects in clear only when the server offers no TLS;
    # REQUIRED refuses such a server rather than sending credentials in clear.
    connector_for(f"{mysql_server_url}?ssl_mode=PREFERRED", timeout_s=5).close()
    plain = connector_for(mysql_server_url, timeout_s=5)
    assert isinstance(plain, MysqlConnector)
    try:
        with plain._conn.cursor() as cur:
            cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            tls = bool(cur.fetchone()[1])
    finally:
        plain.close()
    if not tls:
        with pytest.raises(ScanError) as raised:
            connector_for(f"{mysql_server_url}?ssl_mode=REQUIRED", timeout_s=5)
        assert raised.value.kind is ScanErrorKind.INVALID_CONFIGURATION, raised.value
