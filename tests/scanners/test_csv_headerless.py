"""A CSV without a header line: its first row is data, never column names."""

from __future__ import annotations

from pathlib import Path

from registre.scanners.files import FileConnector

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
