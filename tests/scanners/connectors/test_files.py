"""Folder-of-files connector on real CSV and Parquet files in tmp_path."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.files import FileConnector, sniff_csv
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fichiers")
    (root / "2024" / "rh").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / ".cache" / "cache.csv").write_text("a,b\n1,2\n")
    # A Windows export: semicolons, cp1252/Latin-1, CRLF, a quoted field with ; and a newline.
    latin = "nom;prénom;commune;commentaire\r\n" + "".join(
        f'Dupont{i};Éloïse;Saint-Étienne;"suivi ; à revoir\r\nle {i}"\r\n' for i in range(30)
    )
    (root / "2024" / "rh" / "agents_latin1.csv").write_bytes(latin.encode("cp1252"))
    # An open-data export: commas, UTF-8 with BOM.
    bom = "id,courriel,ville\n" + "".join(
        f"{i},agent{i}@exemple.fr,Nîmes\n" for i in range(1, 20001)
    )
    (root / "contacts_bom.csv").write_bytes(b"\xef\xbb\xbf" + bom.encode("utf-8"))
    (root / "notes.tsv").write_text("code\tlibellé\nA\tTrès bien\nB\t\n", encoding="utf-8")
    table = pa.table(
        {
            "id": pa.array(range(1, 20001), type=pa.int64()),
            "nir": pa.array([f"1850578006{i:05d}" for i in range(20000)]),
            "scan": pa.array([b"\x89PNG"] * 20000, type=pa.binary()),
        }
    )
    pq.write_table(table, root / "2024" / "assures.parquet", row_group_size=1000)
    (root / "2024" / "casse.parquet").write_bytes(b"pas du parquet")
    (root / "lisez-moi.txt").write_text("ignored: not a data file")
    return root


@pytest.fixture
def connector(folder: Path) -> FileConnector:
    conn = connector_for(folder.as_uri(), seed=7)
    assert isinstance(conn, FileConnector)
    return conn


def _tables(connector: FileConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in connector.list_tables()}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_harvest_files_with_subfolder_schemas(connector: FileConnector) -> None:
    tables = _tables(connector)
    assert set(tables) == {
        "agents_latin1.csv",
        "contacts_bom.csv",
        "notes.tsv",
        "assures.parquet",
        "casse.parquet",
    }
    latin = tables["agents_latin1.csv"]
    assert (latin.schema, latin.kind) == ("2024/rh", "file")
    assert latin.columns == (
        ColumnInfo("nom", 1, "text"),
        ColumnInfo("prénom", 2, "text"),
        ColumnInfo("commune", 3, "text"),
        ColumnInfo("commentaire", 4, "text"),
    )
    assert latin.estimated_rows == 30  # the whole file fits in the head: exact
    bom = tables["contacts_bom.csv"]
    assert bom.schema is None
    assert [c.name for c in bom.columns] == ["id", "courriel", "ville"]  # no BOM in "id"
    assert bom.estimated_rows is not None and 16_000 <= bom.estimated_rows <= 24_000
    parquet = tables["assures.parquet"]
    assert parquet.schema == "2024"
    assert parquet.columns == (
        ColumnInfo("id", 1, "int64"),
        ColumnInfo("nir", 2, "string"),
        ColumnInfo("scan", 3, "binary"),
    )
    assert parquet.estimated_rows == 20000
    assert tables["casse.parquet"].columns == ()  # listed, its failure shows at sampling


def test_csv_semicolon_latin1(connector: FileConnector, folder: Path) -> None:
    fmt = sniff_csv(folder / "2024" / "rh" / "agents_latin1.csv")
    assert (fmt.encoding, fmt.delimiter) == ("cp1252", ";")
    sample = connector.sample(_tables(connector)["agents_latin1.csv"], 1000)
    assert len(sample["nom"]) == 30
    assert set(sample["prénom"]) == {"Éloïse"}
    assert set(sample["commune"]) == {"Saint-Étienne"}
    assert all(str(v).startswith("suivi ; à revoir\r\nle ") for v in sample["commentaire"])


def test_csv_comma_utf8_bom_sample_is_bounded_and_spread(connector: FileConnector) -> None:
    contacts = _tables(connector)["contacts_bom.csv"]
    seen: set[int] = set()
    for _ in range(2):
        sample = connector.sample(contacts, 100)
        assert len(sample["id"]) == 100
        assert set(sample["ville"]) == {"Nîmes"}
        seen.update(int(str(v)) for v in sample["id"])
    assert max(seen) > 100
    assert connector.sample_method == "reservoir"  # the whole file read, rows kept at random


def test_tsv_and_empty_fields(connector: FileConnector) -> None:
    sample = connector.sample(_tables(connector)["notes.tsv"], 10)
    assert dict(zip(sample["code"], sample["libellé"], strict=True)) == {
        "A": "Très bien",
        "B": None,
    }


def test_parquet_random_row_groups(connector: FileConnector) -> None:
    assures = _tables(connector)["assures.parquet"]
    seen: set[int] = set()
    for _ in range(2):
        sample = connector.sample(assures, 100)
        assert len(sample["id"]) == 100
        assert sample["scan"] == [None] * 100  # binary never read
        assert all(isinstance(v, str) and len(v) == 15 for v in sample["nir"])
        seen.update(sample["id"])  # type: ignore[arg-type]
    assert max(seen) > 100
    assert connector.sample_method == "random row groups"


def test_csv_read_is_capped(connector: FileConnector, caplog: pytest.LogCaptureFixture) -> None:
    connector.max_file_bytes = 64 * 1024
    with caplog.at_level(logging.WARNING, logger="registre.scanners.connectors.files"):
        sample = connector.sample(_tables(connector)["contacts_bom.csv"], 100)
    assert len(sample["id"]) == 100
    assert max(int(str(v)) for v in sample["id"]) < 5000  # only the first ~64 kB were read
    assert "sample drawn from the first" in caplog.text
    assert connector.sample_method == "reservoir of a prefix"  # says the sample is partial


def test_files_are_left_untouched(connector: FileConnector, folder: Path) -> None:
    before = _digest(folder)
    for table in connector.list_tables():
        if table.columns:
            connector.sample(table, 50)
    assert _digest(folder) == before


def test_errors(connector: FileConnector, folder: Path, tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="not a readable Parquet file: casse.parquet"):
        connector.sample(_tables(connector)["casse.parquet"], 10)
    with pytest.raises(ScanError, match="outside the scanned folder"):
        connector.sample(TableInfo("..", "secret.csv", "file", ()), 10)
    with pytest.raises(ScanError, match="file not found"):
        connector.sample(TableInfo(None, "parti.csv", "file", ()), 10)
    with pytest.raises(ScanError, match="folder not found"):
        connector_for(str(tmp_path / "absent"))
    with pytest.raises(ScanError, match="must be local"):
        connector_for("file://serveur/partage")
    (tmp_path / "vide.csv").write_bytes(b"")
    with pytest.raises(ScanError, match="empty CSV file"):
        FileConnector(str(tmp_path)).sample(TableInfo(None, "vide.csv", "file", ()), 10)


def test_plain_path_and_single_file(folder: Path) -> None:
    assert len(list(connector_for(str(folder)).list_tables())) == 5
    (single,) = connector_for(str(folder / "notes.tsv")).list_tables()
    assert (single.schema, single.name) == (None, "notes.tsv")
