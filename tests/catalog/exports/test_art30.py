"""The GDPR Art. 30 record export: CSV (plain and Excel flavour) and JSON; golden files.

Regenerate the golden files with ``REGISTRE_UPDATE_GOLDEN=1`` after an intended change,
then read the diff before committing.
"""

from __future__ import annotations

import json

from registre.catalog.exports.common import LIST_SEPARATOR, UTF8_BOM
from registre.catalog.exports.registry import ExportFormat, ExportKind
from tests.catalog.exports.exports_seed import Seeded, csv_rows, export, golden


def test_art30_csv_one_row_per_activity_with_every_point(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.ART30)
    assert result.filename == "registre-art30.csv"
    assert result.media_type.startswith("text/csv")
    golden("art30.csv", result.content)
    rows = csv_rows(result.content)
    assert [r["traitement"] for r in rows] == ["Aides sociales facultatives", "Gestion RH"]
    aides = rows[0]
    assert aides["responsable_traitement"] == "Ville de Valbourg"
    assert aides["contact_dpo"] == "dpo@valbourg.example"  # (a) from the controller
    assert aides["base_legale"] == "Art. 6(1)(e) mission d'intérêt public"
    assert aides["categories_personnes"].split(LIST_SEPARATOR) == ["demandeurs", "ayants droit"]
    # (c) confirmed findings only: the suggestion (PERSON) and the rejection are left out
    assert aides["categories_donnees_constatees"].split(LIST_SEPARATOR) == [
        "CONTACT (EMAIL_ADDRESS)",
        "NATIONAL_IDENTIFIER (FR_NIR)",
        "SPECIAL_CATEGORY (HEALTH)",
    ]
    assert aides["transferts_hors_ue"] == "US (SCC (Art. 46)) | CH (aucune garantie enregistrée)"
    assert aides["duree_conservation"] == "5 ans après la dernière aide"
    assert aides["mesures_securite"].startswith("Chiffrement au repos; journalisation")
    assert aides["jeux_de_donnees"] == "aides/demandes | rh/agents"
    assert aides["systemes_ia"] == "Calcul du quotient familial | Tri des demandes d'aide"
    rh = rows[1]
    assert rh["finalites"] == 'Paie, carrière et "formation"\nsur deux lignes'
    assert rh["responsable_traitement"] == "" and rh["categories_donnees_constatees"] == ""


def test_art30_excel_flavour_has_bom_and_semicolons(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.ART30, ExportFormat.CSV_EXCEL)
    assert result.content.startswith(UTF8_BOM + '"traitement";"responsable_traitement";')
    golden("art30-excel.csv", result.content)
    rows = csv_rows(result.content.removeprefix(UTF8_BOM), delimiter=";")
    plain = csv_rows(export(seeded, ExportKind.ART30).content)
    assert rows == plain  # same record, another dialect
    # what Excel reads: bytes starting with the UTF-8 BOM
    assert result.content.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_art30_json_keeps_lists(seeded: Seeded) -> None:
    data = json.loads(export(seeded, ExportKind.ART30, ExportFormat.JSON).content)
    entry = data["registre_art30"][0]
    assert entry["categories_donnees"] == ["identité", "situation familiale", "ressources"]
    assert "NATIONAL_IDENTIFIER (FR_NIR)" in entry["categories_donnees_constatees"]
