"""Scan errors are classified, and only admins read the data store's own words.

A steward who may register any host would otherwise use scans as a port scanner: the raw
"Connection refused", "role x does not exist" or the first bytes another service answers
would come back in the run. Every role reads the kind and a fixed sentence; admins the detail.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR as ADMIN
from registre.catalog.access.roles import Actor
from registre.catalog.data.scan_errors import ScanErrorKind, generic_message
from registre.catalog.enums import Role
from registre.catalog.models import AuditEvent
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError

STEWARD = Actor(name="steward", role=Role.STEWARD)
AUDITOR = Actor(name="auditor", role=Role.AUDITOR)

BANNER = b"220 mail.interne.example ESMTP Postfix-7.3 ready\r\n"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def banner_port() -> Iterator[int]:
    """A tiny TCP service that greets every client with a banner, then hangs up."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                continue
            with client:
                client.sendall(BANNER)
                client.settimeout(0.5)
                with contextlib.suppress(OSError):
                    client.recv(4096)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    server.close()


def _leaks(message: str, port: int) -> list[str]:
    words = ["refused", "ESMTP", "Postfix", "220", str(port), "SSL", "connection", "Lost"]
    return [w for w in words if w.lower() in message.lower()]


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_closed_port_and_foreign_service_read_by_role(
    hardening_catalog: Any, banner_port: int, scheme: str
) -> None:
    closed = _closed_port()
    targets = {"closed": closed, "banner": banner_port}
    for name, port in targets.items():
        # a steward may register these: host and user named, no parameter
        store_id = hardening_catalog.register(
            f"{scheme}-{name}", f"{scheme}://lecteur@127.0.0.1:{port}/paie", STEWARD
        )
        run = hardening_catalog.scan(store_id)
        assert run.status.value == "FAILED"

        for actor in (STEWARD, AUDITOR):
            (error,) = hardening_catalog.run_errors(store_id, actor)
            assert error == {
                "dataset": None,
                "kind": "unreachable",
                "message": "The scan failed: the data store could not be reached.",
            }, (name, actor.role)
            assert not _leaks(error["message"], port)

        (detail,) = hardening_catalog.run_errors(store_id, ADMIN)
        assert detail["kind"] == "unreachable"
        assert f"127.0.0.1:{port}" in detail["message"], detail  # the admin sees what failed
        assert detail["message"] != generic_message(None, ScanErrorKind.UNREACHABLE)
        if name == "closed":
            assert "refused" in detail["message"].lower(), detail

    # The audit trail, readable by every role, does not carry the detail either.
    with hardening_catalog.factory() as session:
        finished = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "finish_scan")
        ).all()
    assert finished
    for event in finished:
        assert str((event.after or {})["errors"]).startswith("withheld:"), event.after


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_unknown_user_is_an_authentication_failure(
    request: pytest.FixtureRequest, hardening_catalog: Any, engine: str
) -> None:
    server = request.getfixturevalue(
        "pg_server_url" if engine == "postgresql" else "mysql_server_url"
    )
    parts = urlsplit(server)
    url = f"{engine}://registre_nobody_x@{parts.hostname}:{parts.port}{parts.path}"
    with pytest.raises(ScanError) as raised:
        connector_for(url, timeout_s=5)
    assert raised.value.kind is ScanErrorKind.AUTHENTICATION_FAILED, raised.value

    store_id = hardening_catalog.register(f"{engine}-nobody", url, STEWARD)
    hardening_catalog.scan(store_id)
    (error,) = hardening_catalog.run_errors(store_id, STEWARD)
    assert error["kind"] == "authentication failed"
    assert "registre_nobody_x" not in error["message"]
    (detail,) = hardening_catalog.run_errors(store_id, ADMIN)
    assert "registre_nobody_x" in detail["message"] or "denied" in detail["message"].lower()


def test_a_failing_table_is_named_with_its_kind_only(
    hardening_catalog: Any, tmp_path: pytest.TempPathFactory
) -> None:
    import sqlite3
    from pathlib import Path

    path = Path(str(tmp_path)) / "store.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE agents (nom TEXT)")
        db.execute("INSERT INTO agents VALUES ('Dupont')")
        db.execute("CREATE VIEW v_cassee AS SELECT nom FROM agents")
        db.execute("DROP TABLE agents")
        db.execute("CREATE TABLE autres (x TEXT)")
    store_id = hardening_catalog.register("sqlite", f"sqlite:///{path}")
    run = hardening_catalog.scan(store_id)
    assert run.status.value == "PARTIAL"
    (error,) = hardening_catalog.run_errors(store_id, STEWARD)
    assert error["dataset"] == "v_cassee"
    assert error["kind"] == "not found"
    assert error["message"] == "Table v_cassee could not be scanned: it was not found."
    (detail,) = hardening_catalog.run_errors(store_id, ADMIN)
    assert "SQLITE_ERROR" in detail["message"] and "v_cassee" in detail["message"]
