"""The DCAT-AP catalogue: only published datasets, only their publication metadata, valid
against the official DCAT-AP 3.0.1 shapes, paged with Hydra; Table Schemas that
frictionless accepts."""

from __future__ import annotations

import json
from collections.abc import Callable

import frictionless
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.errors import NotFound
from registre.catalog.publication import dcat, gate
from registre.catalog.publication.table_schema import field_type, table_schema
from tests.catalog.publication.publication_seed import Publication, add_field, seed_publication
from tests.support.catalogs import Catalog
from tests.support.dcat_shapes import MANDATORY, RECOMMENDED, validate

INFO = dcat.CatalogInfo("https://registre.valbourg.fr/", "Données de Valbourg", "Ville de Valbourg")
HYDRA = dcat.HYDRA


def seed_published(session: Session) -> Publication:
    """The publication seed with the clean dataset open, and the NIR one open under an
    anonymisation (so both are published), plus a third open one that is blocked."""
    pub = seed_publication(session)
    stores.update_dataset(session, CLI_ACTOR, pub.clean, {"open_data_access": "OPEN"})
    gate.record_publication_ground(
        session,
        CLI_ACTOR,
        {"dataset_id": pub.nir, "ground": "ORDERED_BY_TEXT", "detail": "CGCT art. L2121-29"},
    )
    stores.update_dataset(
        session,
        CLI_ACTOR,
        pub.nir,
        {"open_data_access": "OPEN", "steward": "Marie Curie (DPO)", "tags": ["interne-rh"]},
    )
    return pub


@pytest.fixture
def catalog_seed() -> Callable[[Session], Publication]:
    return seed_published


@pytest.fixture
def pub(catalog: Catalog) -> Publication:
    assert isinstance(catalog.payload, Publication)
    return catalog.payload


def _datasets(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef)}


def test_the_catalogue_holds_published_datasets_only_and_no_field_level_data(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        # a third dataset, open before a scan found a personal column: withheld
        late = stores.register_dataset(
            session, CLI_ACTOR, {"data_store_id": pub.store, "name": "signalements"}
        )
        stores.update_dataset(session, CLI_ACTOR, late.id, {"open_data_access": "OPEN"})
        from tests.catalog.publication.publication_seed import add_finding

        add_finding(session, add_field(session, late.id, "courriel"), "EMAIL_ADDRESS")
        graph = dcat.catalog_page(session, INFO)
    assert _datasets(graph) == {INFO.dataset_uri(pub.clean), INFO.dataset_uri(pub.nir)}
    text = graph.serialize(format="turtle")
    for secret in ("Marie Curie", "interne-rh", "1 85", "FR_NIR", "postgresql://", "nir"):
        assert secret not in text, secret
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in text
    assert "data-theme/TRAN" in text and "frequency/DAILY" in text
    assert f"{INFO.root}/dcat/datasets/{pub.clean}/schema.json" in text


def test_the_catalogue_validates_against_the_dcat_ap_3_shapes(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        graph = dcat.catalog_page(session, INFO, page=1, page_size=1)
    mandatory = validate(graph, MANDATORY)
    assert mandatory.conforms, mandatory.report
    recommended = validate(graph, RECOMMENDED)
    # reported, not enforced: the NIR dataset was registered with no theme nor contact
    print(f"DCAT-AP recommended shapes: {recommended.violations} violation(s)")
    print(recommended.report)


def test_the_catalogue_serialises_in_three_formats_and_reads_back(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        graph = dcat.catalog_page(session, INFO)
    for extension, (name, _) in dcat.FORMATS.items():
        back = Graph().parse(data=dcat.serialize(graph, extension), format=name)
        assert _datasets(back) == _datasets(graph), extension


def test_hydra_pages(catalog: Catalog, pub: Publication) -> None:
    with catalog.factory() as session:
        first = dcat.catalog_page(session, INFO, page=1, page_size=1, extension="jsonld")
        last = dcat.catalog_page(session, INFO, page=2, page_size=1, extension="jsonld")
        with pytest.raises(NotFound):
            dcat.catalog_page(session, INFO, page=3, page_size=1)
    view = INFO.page_url("jsonld", 1)
    assert (view, RDF.type, HYDRA.PartialCollectionView) in first
    assert first.value(view, HYDRA.next) == INFO.page_url("jsonld", 2)
    assert first.value(view, HYDRA.last) == INFO.page_url("jsonld", 2)
    assert first.value(view, HYDRA.previous) is None
    view2 = INFO.page_url("jsonld", 2)
    assert last.value(view2, HYDRA.previous) == view and last.value(view2, HYDRA.next) is None
    assert _datasets(first) | _datasets(last) == {
        INFO.dataset_uri(pub.clean),
        INFO.dataset_uri(pub.nir),
    }


def test_the_table_schema_is_valid_and_holds_no_value(catalog: Catalog, pub: Publication) -> None:
    with catalog.factory() as session:
        schema = table_schema(dcat.published_dataset(session, pub.nir))
        clean = table_schema(dcat.published_dataset(session, pub.clean))
        with pytest.raises(NotFound):
            dcat.published_dataset(session, 10_000)
    for descriptor in (schema, clean):
        report = frictionless.validate(descriptor, type="schema")
        assert report.valid, report.flatten(["type", "note"])
    assert [f["name"] for f in schema["fields"]] == ["nir", "commune"]
    assert schema["fields"][0]["description"] == "Numéro de sécurité sociale"
    assert "1 85" not in json.dumps(schema) and "example" not in json.dumps(schema)
    assert [f["type"] for f in clean["fields"]] == ["string", "datetime", "integer"]


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("INTEGER", "integer"),
        ("bigint", "integer"),
        ("NUMERIC(10,2)", "number"),
        ("double precision", "number"),
        ("BOOLEAN", "boolean"),
        ("DATE", "date"),
        ("timestamp with time zone", "datetime"),
        ("TEXT", "string"),
        ("character varying(200)", "string"),
        (None, "string"),
        ("jsonb", "object"),
    ],
)
def test_field_types(sql: str | None, expected: str) -> None:
    assert field_type(sql) == expected
