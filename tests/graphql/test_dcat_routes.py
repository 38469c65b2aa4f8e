"""The public DCAT routes: no token needed, content negotiation, Hydra page links, the
Table Schema; nothing about a dataset that is not published."""

from __future__ import annotations

from collections.abc import Callable

import frictionless
import pytest
from graphql_relay import to_global_id
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from sqlalchemy.orm import Session

from registre.config.settings import Settings
from registre.graphql.dcat import negotiate
from tests.catalog.publication.publication_seed import Publication
from tests.catalog.publication.test_dcat import seed_published
from tests.support.api import Api

BASE = "https://data.valbourg.fr"


@pytest.fixture
def api_seed() -> Callable[[Session], Publication]:
    return seed_published


@pytest.fixture
def api_settings() -> Settings:
    return Settings(public_base_url=BASE, dcat_page_size=1, dcat_publisher="Ville de Valbourg")


def _datasets(text: str, fmt: str) -> set[str]:
    graph = Graph().parse(data=text, format=fmt)
    return {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}


def test_catalogue_in_three_formats_without_a_token(api: Api) -> None:
    pub = api.payload
    assert isinstance(pub, Publication)
    for path, media, fmt in (
        ("/dcat/catalog.ttl", "text/turtle", "turtle"),
        ("/dcat/catalog.jsonld", "application/ld+json", "json-ld"),
        ("/dcat/catalog.rdf", "application/rdf+xml", "xml"),
    ):
        response = api.client.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        assert _datasets(response.text, fmt) == {f"{BASE}/dcat/datasets/{pub.clean}"}
        assert f"{path}?page=2" in response.text  # hydra:next and hydra:last
    second = api.client.get("/dcat/catalog.ttl?page=2")
    assert _datasets(second.text, "turtle") == {f"{BASE}/dcat/datasets/{pub.nir}"}
    assert api.client.get("/dcat/catalog.ttl?page=3").status_code == 404
    assert api.client.get("/dcat/catalog.csv").status_code == 406


def test_content_negotiation(api: Api) -> None:
    response = api.client.get("/dcat/catalog", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    response = api.client.get(
        "/dcat/catalog", headers={"Accept": "text/html;q=0.9, application/rdf+xml"}
    )
    assert response.headers["content-type"].startswith("application/rdf+xml")
    assert api.client.get("/dcat/catalog", headers={"Accept": "text/html"}).status_code == 406
    assert negotiate("") == "ttl" and negotiate("*/*") == "ttl"
    assert negotiate("text/turtle;q=0.5, application/ld+json;q=0.8") == "jsonld"


def test_a_dataset_uri_and_its_table_schema(api: Api) -> None:
    pub = api.payload
    assert isinstance(pub, Publication)
    response = api.client.get(f"/dcat/datasets/{pub.clean}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "Comptages routiers de Valbourg" in response.text
    schema = api.client.get(f"/dcat/datasets/{pub.clean}/schema.json")
    assert schema.status_code == 200
    report = frictionless.validate(schema.json(), type="schema")
    assert report.valid, report.flatten(["type", "note"])
    assert [f["name"] for f in schema.json()["fields"]] == ["capteur", "horodatage", "vehicules"]


def test_nothing_about_a_dataset_that_is_not_published(api: Api) -> None:
    pub = api.payload
    assert isinstance(pub, Publication)
    assert api.client.get(f"/dcat/datasets/{pub.nir}/schema.json").status_code == 200
    # the ground is withdrawn: the NIR column blocks again, the dataset leaves the catalogue
    done = api.data(
        """mutation W($input: RecordPublicationGroundInput!) {
             recordPublicationGround(input: $input) { dataset { openDataAccess published } } }""",
        {"input": {"datasetId": to_global_id("Dataset", pub.nir), "ground": None}},
    )
    assert done["recordPublicationGround"]["dataset"] == {
        "openDataAccess": "OPEN",
        "published": False,
    }
    for path in (f"/dcat/datasets/{pub.nir}", f"/dcat/datasets/{pub.nir}/schema.json"):
        assert api.client.get(path).status_code == 404, path
    both = api.client.get("/dcat/catalog.ttl").text
    assert f"/dcat/datasets/{pub.nir}>" not in both and "hydra:next" not in both


def test_the_catalogue_refuses_in_the_request_language(api: Api) -> None:
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    last = api.client.get("/dcat/catalog.ttl?page=3", headers=french)
    assert last.status_code == 404 and last.headers["content-language"] == "fr"
    assert last.json() == {"error": "le catalogue compte 2 page(s)"}
    assert api.client.get("/dcat/catalog.ttl?page=3").json() == {
        "error": "the catalogue has 2 page(s)"
    }
    first = api.client.get("/dcat/catalog.ttl?page=0", headers=french)
    assert first.json() == {"error": "page : les numéros de page commencent à 1"}
    wrong = api.client.get("/dcat/catalog", headers={"Accept": "text/html", **french})
    assert wrong.status_code == 406
    assert wrong.json()["error"].startswith("demandez text/turtle")
    unknown = api.client.get("/dcat/datasets/999999", headers={"Accept": "text/turtle", **french})
    assert unknown.json() == {"error": "aucun jeu de données publié d’identifiant 999999"}
