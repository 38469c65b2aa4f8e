"""Excel and ODS files in a file store: first sheet, header under a title block, typed
cells, the byte cap on the uncompressed content, and a scan that finds their personal
data without keeping a value."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from registre.catalog.models import ScanRunTable
from registre.scanners.connectors.files import FileConnector
from registre.scanners.errors import ScanError

openpyxl = pytest.importorskip("openpyxl")
odf_doc = pytest.importorskip("odf.opendocument")

SURNAMES = ["MARTIN", "DUBOIS", "LEROY", "MOREL", "GIRARD", "ROUX", "FOURNIER", "BONNET"]
FIRST = ["Anne", "Jean", "Line", "François", "Xavier", "Claire", "Rémi", "Agnès"]


def _xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Liste des agents au 1er janvier"])  # a title block above the table
    sheet.append([])
    sheet.append(["Nom de l'agent", "Prénom", "Date de naissance", "Indice"])
    for i, (nom, prenom) in enumerate(zip(SURNAMES, FIRST, strict=True)):
        sheet.append([nom, prenom, dt.datetime(1960 + i, 1 + i, 3), 350 + i])
    book.save(path)


def _ods(path: Path) -> None:
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = odf_doc.OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    rows = [("nom", "prenom", "commune")] + [
        (n, p, "Brest") for n, p in zip(SURNAMES, FIRST, strict=True)
    ]
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    _xlsx(tmp_path / "agents.xlsx")
    _ods(tmp_path / "usagers.ods")
    return tmp_path


def test_first_sheet_header_and_typed_cells(folder: Path) -> None:
    connector = FileConnector(str(folder), seed=1)
    tables = {t.name: t for t in connector.list_tables()}
    assert set(tables) == {"agents.xlsx", "usagers.ods"}
    agents = tables["agents.xlsx"]
    assert [c.name for c in agents.columns] == [
        "Nom de l'agent",
        "Prénom",
        "Date de naissance",
        "Indice",
    ]
    sample = connector.sample(agents, 100)
    assert sorted(sample["Nom de l'agent"]) == sorted(SURNAMES)  # type: ignore[type-var]
    assert all(isinstance(v, dt.date) for v in sample["Date de naissance"])
    assert sample["Indice"][0] in range(350, 358)
    usagers = connector.sample(tables["usagers.ods"], 3)
    assert len(usagers["nom"]) == 3 and set(usagers["commune"]) == {"Brest"}
    assert connector.sample_method == "reservoir"


def test_a_spreadsheet_that_inflates_past_the_cap_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (3 * 2**20))
    assert bomb.stat().st_size < 2**20 // 10
    connector = FileConnector(str(tmp_path), max_file_bytes=2**20)
    (table,) = list(connector.list_tables())
    assert table.columns == ()
    with pytest.raises(ScanError, match="uncompressed"):
        connector.sample(table, 10)


def test_a_broken_spreadsheet_fails_alone_without_its_content(tmp_path: Path) -> None:
    (tmp_path / "casse.ods").write_bytes(b"PK\x03\x04 secret-value-123")
    connector = FileConnector(str(tmp_path))
    (table,) = list(connector.list_tables())
    with pytest.raises(ScanError) as caught:
        connector.sample(table, 10)
    assert "secret-value-123" not in str(caught.value)


def test_a_scan_of_spreadsheets_labels_their_columns(scan_catalog: object, folder: Path) -> None:
    store = scan_catalog.register("tableurs", f"file://{folder}")  # type: ignore[attr-defined]
    run = scan_catalog.scan(store)  # type: ignore[attr-defined]
    found = scan_catalog.findings(store)  # type: ignore[attr-defined]
    assert ("agents.xlsx", "Nom de l'agent", "PERSON") in found
    # each table's record says how its rows were drawn (it said nothing, "unknown", before)
    with scan_catalog.factory() as session:  # type: ignore[attr-defined]
        rows = session.scalars(select(ScanRunTable).where(ScanRunTable.run_id == run.id))
        assert {(t.name, t.sample_method) for t in rows} == {
            ("agents.xlsx", "reservoir"),
            ("usagers.ods", "reservoir"),
        }
    assert ("agents.xlsx", "Date de naissance", "DATE_OF_BIRTH") in found
    assert ("usagers.ods", "commune", "LOCATION") in found
    examples = {f.masked_example for f in found.values()}
    assert not examples & set(SURNAMES)
