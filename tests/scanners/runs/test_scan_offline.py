"""Offline: a full scan, detectors loaded from scratch, opens no network connection.

An air-gapped administration network has no route out: spaCy's model comes from its
package, tldextract reads its bundled suffix list, nothing is fetched. Every socket
connection and name lookup is refused (and recorded) except the local database servers
and Unix sockets.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.enums import ScanStatus
from registre.demo.city import build_city_database
from registre.scanners.detection import analyzer as engine
from registre.scanners.detection import config as detection_config
from registre.scanners.detection import validators
from registre.scanners.detection.classifier import Classifier
from registre.scanners.runs.scan import ScanOptions

ALLOWED = {("127.0.0.1", 5432), ("127.0.0.1", 3306)}
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


class NetworkRefused(OSError):
    pass


@pytest.fixture
def air_gap(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse any connection or lookup outside the local servers; yields the attempts."""
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    getaddrinfo = socket.getaddrinfo

    def allowed(sock: socket.socket, address: Any) -> bool:
        if sock.family == getattr(socket, "AF_UNIX", None):
            return True
        return isinstance(address, tuple) and (address[0], address[1]) in ALLOWED

    def refuse(what: str) -> NetworkRefused:
        attempts.append(what)
        return NetworkRefused(f"air gap: {what}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not allowed(self, address):
            raise refuse(f"connect {address!r}")
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if not allowed(self, address):
            raise refuse(f"connect_ex {address!r}")
        return connect_ex(self, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        raise refuse(f"create_connection {address!r}")

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and str(host) not in LOCAL_NAMES:
            raise refuse(f"getaddrinfo {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


def test_the_air_gap_refuses_and_records(air_gap: list[str]) -> None:
    """Negative control: the guard does catch what the scan test relies on it to catch."""
    with pytest.raises(NetworkRefused):
        socket.create_connection(("publicsuffix.org", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(NetworkRefused):
        sock.connect(("192.0.2.1", 80))
    with pytest.raises(NetworkRefused):
        socket.getaddrinfo("huggingface.co", 443)
    assert len(air_gap) == 3


def test_full_scan_loads_detectors_and_runs_without_network(
    scan_catalog: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, air_gap: list[str]
) -> None:
    city = tmp_path / "city.sqlite"
    build_city_database(city)
    store_id = scan_catalog.register("ville", f"sqlite:///{city}")
    # Everything loads again, behind the air gap: Presidio + spaCy (the process-wide
    # analyzer is set aside; monkeypatch puts it back), tldextract's suffix list, the
    # detection configuration.
    previous = engine._analyzer
    monkeypatch.setattr(engine, "_analyzer", None)
    validators.offline_tld_extractor.cache_clear()
    detection_config.default_detection_config.cache_clear()
    monkeypatch.setattr(scan_catalog, "classify", Classifier().classify_table)

    run = scan_catalog.scan(store_id, ScanOptions(sample_size=200))

    assert air_gap == []
    assert run.status is ScanStatus.SUCCEEDED, run.errors
    # get_analyzer() is only called to analyse text: a new analyzer means spaCy loaded and
    # ran (free-text and name-like columns) behind the air gap.
    assert engine._analyzer is not None and engine._analyzer is not previous
    assert validators.offline_tld_extractor.cache_info().currsize == 1
    entities = {key[2] for key in scan_catalog.findings(store_id)}
    assert {"EMAIL_ADDRESS", "PERSON", "FR_NIR", "IBAN_CODE", "HEALTH"} <= entities
