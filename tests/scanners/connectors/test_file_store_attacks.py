"""A folder of files is not trusted: links, FIFOs, huge and malformed files.

Whoever can write into a scanned folder must not make the scanner read outside it (a link
to a file or a folder elsewhere, even swapped in between harvest and sampling), block it
(a FIFO named ``x.csv``), or stop the other files from being scanned (one malformed file is
one failed table, recorded with its reason).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.access.roles import CLI_ACTOR as ADMIN
from registre.catalog.access.roles import Actor
from registre.catalog.data.harvested import TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.enums import Role
from registre.config.settings import Settings
from registre.scanners.connectors.files import FileConnector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError
from registre.scanners.runs.scan import ScanOptions

STEWARD = Actor(name="steward", role=Role.STEWARD)
SECRET_HEADER = "motdepasse_root"
SECRET_VALUE = "hunter2-tres-secret"
AGENTS = (
    "nom;prenom;email\nDupont;Jean;jean.dupont@exemple.fr\nDurand;Marie;marie.durand@exemple.fr\n"
)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the scanned root, holding what must never be read."""
    folder = tmp_path / "ailleurs"
    (folder / "rh").mkdir(parents=True)
    for path in (folder / "secret.csv", folder / "rh" / "paie.csv"):
        path.write_text(f"{SECRET_HEADER};x\n{SECRET_VALUE};1\n{SECRET_VALUE};2\n")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "racine"
    (folder / "sous").mkdir(parents=True)
    (folder / "agents.csv").write_text(AGENTS)
    (folder / "sous" / "autres.csv").write_text(AGENTS)
    return folder


def _tables(connector: Any) -> dict[str, TableInfo]:
    return {(f"{t.schema}/{t.name}" if t.schema else t.name): t for t in connector.list_tables()}


def test_links_are_never_followed(root: Path, outside: Path) -> None:
    (root / "secret.csv").symlink_to(outside / "secret.csv")
    (root / "rh").symlink_to(outside / "rh", target_is_directory=True)
    connector = FileConnector(str(root))
    tables = _tables(connector)
    # the linked folder is not walked; the linked file is listed, undescribed
    assert set(tables) == {"agents.csv", "sous/autres.csv", "secret.csv"}
    assert tables["secret.csv"].columns == ()
    with pytest.raises(ScanError) as raised:
        connector.sample(tables["secret.csv"], 10)
    assert "secret.csv is a symbolic link; links are not followed" in str(raised.value)
    assert raised.value.kind is ScanErrorKind.PERMISSION_DENIED
    with pytest.raises(ScanError, match="symbolic link"):
        connector.sample(TableInfo("rh", "paie.csv", "file", tables["agents.csv"].columns), 10)
    with pytest.raises(ScanError, match="outside the scanned folder"):
        connector.sample(TableInfo("../ailleurs", "secret.csv", "file", ()), 10)


def test_a_link_swapped_in_after_the_harvest_is_refused(root: Path, outside: Path) -> None:
    connector = FileConnector(str(root))
    tables = _tables(connector)
    assert connector.sample(tables["agents.csv"], 10)["nom"]  # readable before the swap
    (root / "agents.csv").unlink()
    (root / "agents.csv").symlink_to(outside / "secret.csv")
    (root / "sous" / "autres.csv").unlink()
    (root / "sous").rmdir()
    (root / "sous").symlink_to(outside / "rh", target_is_directory=True)
    (outside / "rh" / "autres.csv").write_text(f"nom\n{SECRET_VALUE}\n")
    for name in ("agents.csv", "sous/autres.csv"):
        with pytest.raises(ScanError, match="symbolic link; links are not followed"):
            connector.sample(tables[name], 10)


def _scan_in_thread(catalog: Any, store_id: int, options: ScanOptions | None = None) -> Any:
    """The run, or a failure if the scan does not end within 60 s (a blocked open)."""
    result: list[Any] = []
    thread = threading.Thread(
        target=lambda: result.append(catalog.scan(store_id, options)), daemon=True
    )
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the scan of the folder blocked"
    return result[0]


def test_a_fifo_does_not_block_the_scan(hardening_catalog: Any, root: Path) -> None:
    os.mkfifo(root / "x.csv")
    os.mkfifo(root / "y.parquet")
    store_id = hardening_catalog.register("fifo", root.resolve().as_uri())
    run = _scan_in_thread(hardening_catalog, store_id)
    assert (run.status.value, run.datasets_scanned, run.datasets_failed) == ("PARTIAL", 2, 2)
    errors = {e["dataset"]: e for e in hardening_catalog.run_errors(store_id, ADMIN)}
    assert errors["x.csv"]["message"] == "x.csv is a FIFO: only regular files are read"
    assert errors["x.csv"]["kind"] == errors["y.parquet"]["kind"] == "invalid data"


def test_a_scan_run_never_reads_outside_its_folder(
    hardening_catalog: Any, root: Path, outside: Path
) -> None:
    (root / "secret.csv").symlink_to(outside / "secret.csv")
    (root / "rh").symlink_to(outside / "rh", target_is_directory=True)
    store_id = hardening_catalog.register("liens", root.resolve().as_uri())
    run = _scan_in_thread(hardening_catalog, store_id)
    assert (run.status.value, run.datasets_scanned, run.datasets_failed) == ("PARTIAL", 2, 1)
    (error,) = hardening_catalog.run_errors(store_id, STEWARD)
    assert error == {
        "dataset": "secret.csv",
        "kind": "permission denied",
        "message": "Table secret.csv could not be scanned: the scanner is not allowed to read it.",
    }
    # nothing of the linked files reached the catalog: no column named from their header
    from sqlalchemy import select

    from registre.catalog.models import Field

    with hardening_catalog.factory() as session:
        names = set(session.scalars(select(Field.name)))
    assert SECRET_HEADER not in names and names >= {"nom", "prenom", "email"}


def test_one_malformed_file_is_one_failed_table(hardening_catalog: Any, root: Path) -> None:
    (root / "binaire.csv").write_bytes(b"nom;prenom\x00\x00\x01\x02" * 200)
    (root / "casse.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    (root / "vide.csv").write_bytes(b"")
    (root / "octets.csv").write_bytes(bytes(range(0x80, 0x100)) * 50)  # latin-1: decodable
    store_id = hardening_catalog.register("casse", root.resolve().as_uri())
    run = _scan_in_thread(hardening_catalog, store_id)
    assert run.status.value == "PARTIAL"
    errors = {e["dataset"]: e for e in hardening_catalog.run_errors(store_id, ADMIN)}
    assert set(errors) == {"binaire.csv", "casse.parquet", "vide.csv"}
    assert errors["binaire.csv"]["message"] == "binaire.csv holds NUL bytes: not a text (CSV) file"
    assert errors["casse.parquet"]["message"].startswith("not a readable Parquet file: casse")
    assert errors["vide.csv"]["message"] == "empty CSV file: vide.csv"
    assert {e["kind"] for e in errors.values()} == {"invalid data"}
    assert run.datasets_scanned == 3  # agents, sous/autres, octets


def test_size_limit_comes_from_the_settings(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    options = ScanOptions.from_settings(Settings(scan_file_max_bytes=2**20))
    assert options.max_file_bytes == 2**20
    row = "Dupont;Jean;jean.dupont@exemple.fr\n"
    (root / "gros.csv").write_text("nom;prenom;email\n" + row * (3 * 2**20 // len(row)))
    connector = connector_for(str(root), timeout_s=30, max_file_bytes=options.max_file_bytes)
    with caplog.at_level(logging.WARNING, logger="registre.scanners.connectors.files"):
        sample = connector.sample(_tables(connector)["gros.csv"], 10)
    assert len(sample["nom"]) == 10
    assert "sample drawn from the first 1 MB only" in caplog.text


def test_a_parquet_row_group_over_the_limit_is_refused(root: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    values = [os.urandom(24).hex() for _ in range(40_000)]  # ~2 MB, one row group
    pq.write_table(pa.table({"code": values}), root / "gros.parquet", row_group_size=50_000)
    connector = FileConnector(str(root), max_file_bytes=2**20)
    with pytest.raises(ScanError) as raised:
        connector.sample(_tables(connector)["gros.parquet"], 10)
    assert "a row group is larger than 1 MB (scan_file_max_bytes)" in str(raised.value)
    assert FileConnector(str(root)).sample(_tables(connector)["gros.parquet"], 10)["code"]


def test_a_file_gets_the_timeout_as_its_time_budget(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    row = b"Dupont;Jean;jean.dupont@exemple.fr\n"
    with (root / "long.csv").open("wb") as out:
        out.write(b"nom;prenom;email\n" + row * (60 * 2**20 // len(row)))
    connector = FileConnector(str(root), timeout_s=0.2)
    with caplog.at_level(logging.WARNING, logger="registre.scanners.connectors.files"):
        connector.sample(_tables(connector)["long.csv"], 10)
    assert "sample drawn from what was read in 0.2 s only" in caplog.text
