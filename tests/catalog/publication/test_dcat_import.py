"""Importing a DCAT-AP catalogue: a data.gouv.fr-like organisation catalogue (RDF/XML)
registers its three datasets with their metadata; importing again changes nothing; a bad
file writes nothing; Registre's own Turtle export reads back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.errors import InvalidInput
from registre.catalog.models import AuditEvent, Dataset, DataStore
from registre.catalog.publication import dcat
from registre.catalog.publication.dcat_import import import_dcat, read_dcat
from tests.support.catalogs import Catalog

DATA = Path(__file__).resolve().parent / "data"
DATAGOUV = DATA / "valbourg-datagouv.rdf"


@pytest.fixture
def catalog_seed() -> None:
    """An empty register: an administration starting from what it publishes."""
    return None


def _datasets(catalog: Catalog) -> dict[str, Dataset]:
    with catalog.factory() as session:
        return {d.title or d.name: d for d in session.scalars(select(Dataset))}


def test_import_registers_the_datasets_with_their_metadata(catalog: Catalog) -> None:
    with catalog.factory() as session:
        report = import_dcat(session, CLI_ACTOR, DATAGOUV)
        session.commit()
    assert (report.store, len(report.created)) == ("Ville de Valbourg", 3)
    found = _datasets(catalog)
    budget = found["Budget primitif de la Ville de Valbourg"]
    assert budget.external_ref == "64f0c2a1b5e7d3a9c1e2f301"
    assert (budget.licence, budget.themes, budget.update_frequency) == (
        "LICENCE_OUVERTE_2_0",
        ["ECON"],
        "ANNUAL",
    )
    assert (budget.temporal_start, budget.temporal_end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )
    assert budget.contact_point == "finances@valbourg.fr"
    assert budget.publisher == "Ville de Valbourg" and budget.open_data_access == "OPEN"
    assert budget.distributions == [
        {
            "title": "budget-primitif-2024.csv",
            "download_url": "https://static.data.gouv.fr/resources/budget-primitif-valbourg/"
            "budget-primitif-2024.csv",
            "access_url": "https://www.data.gouv.fr/fr/datasets/r/0c7f1c8e-budget-2024-csv",
            "format": "CSV",
        }
    ]
    velo = found["Comptages vélo"]
    assert velo.licence == "ODBL" and [d["format"] for d in velo.distributions] == [
        "JSON",
        "PARQUET",
    ]
    assert found["Délibérations du conseil municipal"].temporal_start == dt.date(2020, 7, 1)
    with catalog.factory() as session:
        store = session.scalars(select(DataStore)).one()
        assert store.kind == "FILES" and store.url.startswith("file://")
        # each one passed the gate (no personal data known): the decision is audited
        allowed = session.scalar(
            select(func.count()).where(AuditEvent.action == "publication_allowed")
        )
        assert allowed == 3
        assert len(dcat.published_datasets(session)) == 3


def test_importing_again_creates_nothing_and_updates_what_changed(
    catalog: Catalog, tmp_path: Path
) -> None:
    with catalog.factory() as session:
        import_dcat(session, CLI_ACTOR, DATAGOUV)
        again = import_dcat(session, CLI_ACTOR, DATAGOUV)
        session.commit()
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    changed = tmp_path / "catalog.rdf"
    changed.write_text(
        DATAGOUV.read_text(encoding="utf-8").replace("Comptages vélo", "Comptages des vélos"),
        encoding="utf-8",
    )
    with catalog.factory() as session:
        third = import_dcat(session, CLI_ACTOR, changed, store_name="Ville de Valbourg")
        session.commit()
    assert third.updated == ["Comptages des vélos"] and not third.created
    assert len(_datasets(catalog)) == 3


def test_a_bad_record_writes_nothing(catalog: Catalog, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rdf"
    bad.write_text(
        DATAGOUV.read_text(encoding="utf-8").replace(
            "https://api.valbourg.fr/velo/comptages", "ftp://api.valbourg.fr/velo"
        ),
        encoding="utf-8",
    )
    with catalog.factory() as session:
        with pytest.raises(InvalidInput, match="64f0c2a1b5e7d3a9c1e2f302"):
            import_dcat(session, CLI_ACTOR, bad)
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Dataset)) == 0
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not RDF <<<", encoding="utf-8")
    with pytest.raises(InvalidInput, match="neither Turtle nor RDF/XML"):
        read_dcat(garbage)


def test_our_own_turtle_export_reads_back(catalog: Catalog, tmp_path: Path) -> None:
    with catalog.factory() as session:
        import_dcat(session, CLI_ACTOR, DATAGOUV)
        session.commit()
        info = dcat.CatalogInfo("https://registre.valbourg.fr", "Valbourg", "Ville de Valbourg")
        exported = tmp_path / "catalog.ttl"
        exported.write_text(dcat.serialize(dcat.catalog_page(session, info), "ttl"))
    title, records = read_dcat(exported)
    assert title == "Valbourg"
    # the identifiers an import recorded are the ones the export publishes
    assert {r.identifier for r in records} == {
        "64f0c2a1b5e7d3a9c1e2f301",
        "64f0c2a1b5e7d3a9c1e2f302",
        "64f0c2a1b5e7d3a9c1e2f303",
    }
    velo = next(r for r in records if r.values["title"] == "Comptages vélo")
    assert velo.values["licence"] == "ODBL" and velo.values["update_frequency"] == "DAILY"
