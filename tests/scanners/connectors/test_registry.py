"""The connector registry: URL schemes, lazy drivers, clear errors."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from registre.scanners.connectors.base import Connector
from registre.scanners.connectors.registry import (
    MAX_TEXT_CHARS,
    REGISTRY,
    clean_value,
    connector_for,
    entry_for,
    redact_url,
)
from registre.scanners.errors import ScanError


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("postgresql://u@h/db", "postgresql"),
        ("postgresql+psycopg://u@h/db", "postgresql"),
        ("postgres://u@h/db", "postgresql"),
        ("mysql://u@h/db", "mysql"),
        ("mysql+pymysql://u@h/db", "mysql"),
        ("mariadb://u@h/db", "mysql"),
        ("MariaDB://u@h/db", "mysql"),
        ("sqlite:///data/base.db", "sqlite"),
        ("sqlite:////srv/base.db", "sqlite"),
        ("file:///srv/exports", "file"),
        ("/srv/exports", "file"),
        ("exports/2024", "file"),
        ("C:\\exports", "file"),
    ],
)
def test_scheme_picks_the_engine(url: str, kind: str) -> None:
    assert entry_for(url).kind == kind


def test_every_entry_resolves_to_a_connector_class() -> None:
    import importlib

    for entry in REGISTRY:
        module_name, _, class_name = entry.target.partition(":")
        module = importlib.import_module(f"registre.scanners.connectors.{module_name}")
        cls = getattr(module, class_name)
        assert cls.kind == entry.kind
        for method in ("list_tables", "sample", "close"):
            # the same parameters as the protocol, so the run can call any connector alike
            expected = inspect.signature(getattr(Connector, method)).parameters
            assert inspect.signature(getattr(cls, method)).parameters.keys() == expected.keys()


@pytest.mark.parametrize("url", ["oracle://u@h/db", "mongodb://h/db", "s3://bucket/key"])
def test_unknown_scheme_is_a_scan_error(url: str) -> None:
    with pytest.raises(ScanError, match="unsupported data store URL scheme"):
        connector_for(url)


def test_empty_url_and_bad_timeout(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="empty"):
        connector_for("  ")
    with pytest.raises(ScanError, match="timeout_s"):
        connector_for(str(tmp_path), timeout_s=0)


def test_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail
    with pytest.raises(ScanError, match=r"install registre\[postgresql\]"):
        connector_for("postgresql://u@127.0.0.1/db")


def test_drivers_are_not_imported_at_start_up() -> None:
    code = (
        "import sys; import registre.scanners.connectors.registry; "
        "import registre.scanners.connectors.postgresql, registre.scanners.connectors.mysql, "
        "registre.scanners.connectors.files; "
        "print(sorted(m for m in ('psycopg', 'pymysql', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert out.stdout.strip() == "[]"


def test_redact_url_drops_credentials() -> None:
    assert redact_url("postgresql://agent:s3cret@db.interne:5433/rh") == (
        "postgresql://db.interne:5433/rh"
    )


def test_clean_value() -> None:
    assert clean_value(b"\x00") is None
    assert clean_value(memoryview(b"ab")) is None
    assert clean_value("é" * 5000) == "é" * MAX_TEXT_CHARS
    assert clean_value(42) == 42
