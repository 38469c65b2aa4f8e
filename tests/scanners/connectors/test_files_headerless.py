"""A CSV without a header line: its first row is data, never column names."""

from __future__ import annotations

from pathlib import Path

import pytest

from registre.scanners.connectors.files import FileConnector, sniff_csv

ROWS = [
    "1 85 05 78 006 084 36;Jean Dupont;jean.dupont@exemple.fr",
    "2 90 12 75 123 456 21;Marie Curie;marie.curie@exemple.fr",
]


def test_first_row_of_values_is_data(tmp_path: Path) -> None:
    (tmp_path / "sans_entete.csv").write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    (tmp_path / "avec_entete.csv").write_text(
        "nir;nom;courriel\n" + "\n".join(ROWS) + "\n", encoding="utf-8"
    )
    connector = FileConnector(str(tmp_path))
    tables = {t.name: t for t in connector.list_tables()}
    headless = tables["sans_entete.csv"]
    assert [c.name for c in headless.columns] == ["column_1", "column_2", "column_3"]
    sample = connector.sample(headless, 10)
    assert sorted(sample["column_3"]) == ["jean.dupont@exemple.fr", "marie.curie@exemple.fr"]
    # with a header line, names come from it and the data rows are the same two
    named = tables["avec_entete.csv"]
    assert [c.name for c in named.columns] == ["nir", "nom", "courriel"]
    assert len(connector.sample(named, 10)["nom"]) == 2


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("Dupont;Jean;12 rue de la Paix;Paris\nMartin;Marie;3 avenue Foch;Lyon\n", False),
        ("nom;prenom;adresse\nDupont;Jean;12 rue de la Paix\nMartin;Marie;3 avenue Foch\n", True),
        ("objet;commentaire\nVoirie;Travaux au printemps\nÉclairage;Lampes changées\n", True),
        ("Nom;Date de naissance\nDupont;12/03/1985\nMartin;01/02/1990\n", True),
        ("dupont,jean,lyon\nmartin,marie,paris\ndurand,paul,lille\n", False),  # all alike
        ("Jean Dupont,Lyon\n", False),  # one row: data, not names
    ],
)
def test_a_row_of_names_is_not_taken_for_a_header(tmp_path: Path, text: str, header: bool) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    fmt = sniff_csv(path)
    assert fmt.has_header is header
    if not header:
        assert all(name.startswith("column_") for name in fmt.header)
