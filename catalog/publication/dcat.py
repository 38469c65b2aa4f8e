"""The DCAT-AP 3 catalogue of what Registre publishes, built with rdflib.

Only datasets the publication gate lets out (:func:`gate.published`) appear, and of them
only their publication metadata: never a field, a finding, a steward, a tag or a data
store's address. URIs are stable: ``{base}/dcat/datasets/{id}`` for a dataset, with its
distributions under it and its Table Schema at ``{base}/dcat/datasets/{id}/schema.json``.

Large catalogues are paged as data.europa.eu harvests them: each page is a Hydra
``PartialCollectionView`` with its first, last, previous and next pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registre.catalog.errors import InvalidInput, NotFound
from registre.catalog.i18n import Text
from registre.catalog.models.data import Dataset
from registre.catalog.publication import vocabularies as voc
from registre.catalog.publication.gate import published

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: rdflib serializer names and media types, by the extension of the route
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}


@dataclass(frozen=True)
class CatalogInfo:
    """Who publishes the catalogue and where it lives (settings ``public_base_url``...)."""

    base_url: str
    title: str
    publisher: str
    description: str = (
        "Jeux de données ouverts de l'administration, publiés par Registre derrière une porte "
        "de publication qui écarte les données personnelles (CRPA L312-1-2)."
    )

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def catalog_uri(self) -> URIRef:
        return URIRef(f"{self.root}/dcat/catalog")

    def dataset_uri(self, dataset_id: int) -> URIRef:
        return URIRef(f"{self.root}/dcat/datasets/{dataset_id}")

    def schema_url(self, dataset_id: int) -> str:
        return f"{self.root}/dcat/datasets/{dataset_id}/schema.json"

    def page_url(self, extension: str, page: int) -> URIRef:
        return URIRef(f"{self.root}/dcat/catalog.{extension}?page={page}")


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("hydra", HYDRA),
    ):
        graph.bind(prefix, namespace)
    return graph


def _concept(graph: Graph, uri: str, scheme: str, kind: URIRef | None = None) -> URIRef:
    """A controlled-vocabulary term, typed and in its scheme (as the range shapes ask)."""
    node = URIRef(uri)
    graph.add((node, RDF.type, SKOS.Concept))
    if kind is not None:
        graph.add((node, RDF.type, kind))
    graph.add((node, SKOS.prefLabel, Literal(voc.label(uri), lang="fr")))
    scheme_node = URIRef(scheme)
    graph.add((node, SKOS.inScheme, scheme_node))
    graph.add((scheme_node, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme_node, DCTERMS.title, Literal(voc.SCHEME_TITLES[scheme], lang="fr")))
    return node


def _agent(graph: Graph, name: str) -> BNode:
    agent = BNode()
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(name)))
    return agent


def _contact(graph: Graph, contact: str, name: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, VCARD.fn, Literal(name)))
    if "@" in contact and not contact.startswith("http"):
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{contact}")))
    else:
        graph.add((node, VCARD.hasURL, URIRef(contact)))
    return node


def _distributions(graph: Graph, info: CatalogInfo, dataset: Dataset, uri: URIRef) -> None:
    """Its recorded distributions; without any, the data store itself, on request."""
    licence = voc.licence_uri(dataset.licence, dataset.licence_url)
    schema = URIRef(info.schema_url(dataset.id))
    graph.add((schema, RDF.type, DCTERMS.Standard))
    graph.add((schema, DCTERMS.title, Literal("Table Schema", lang="fr")))
    entries = dataset.distributions or [{"title": "Sur demande auprès du producteur"}]
    for position, entry in enumerate(entries, start=1):
        node = URIRef(f"{uri}/distributions/{position}")
        graph.add((uri, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        if entry.get("title"):
            graph.add((node, DCTERMS.title, Literal(entry["title"], lang="fr")))
        download = entry.get("download_url")
        access = entry.get("access_url") or download or str(uri)
        graph.add((node, DCAT.accessURL, URIRef(access)))
        if download:
            graph.add((node, DCAT.downloadURL, URIRef(download)))
        if entry.get("format"):
            fmt = _concept(graph, voc.file_type_uri(entry["format"]), voc.FILE_TYPE)
            graph.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            graph.add((node, DCTERMS["format"], fmt))
        if licence:
            graph.add((node, DCTERMS.license, URIRef(licence)))
            graph.add((URIRef(licence), RDF.type, DCTERMS.LicenseDocument))
        graph.add((node, DCTERMS.conformsTo, schema))


def add_dataset(graph: Graph, info: CatalogInfo, dataset: Dataset) -> URIRef:
    """``dataset``'s publication metadata as a ``dcat:Dataset``; nothing else of it."""
    uri = info.dataset_uri(dataset.id)
    title = dataset.title or dataset.name
    graph.add((uri, RDF.type, DCAT.Dataset))
    graph.add((uri, DCTERMS.title, Literal(title, lang="fr")))
    graph.add((uri, DCTERMS.description, Literal(dataset.description or title, lang="fr")))
    graph.add((uri, DCTERMS.identifier, Literal(dataset.external_ref or str(uri))))
    access = _concept(
        graph, voc.access_right_uri(dataset.open_data_access), voc.ACCESS_RIGHT,
        DCTERMS.RightsStatement,
    )  # fmt: skip
    graph.add((uri, DCTERMS.accessRights, access))
    for theme in dataset.themes:
        graph.add((uri, DCAT.theme, _concept(graph, voc.theme_uri(theme), voc.DATA_THEME)))
    if dataset.update_frequency is not None:
        frequency = _concept(
            graph, voc.frequency_uri(dataset.update_frequency), voc.FREQUENCY, DCTERMS.Frequency
        )
        graph.add((uri, DCTERMS.accrualPeriodicity, frequency))
    publisher = dataset.publisher or info.publisher
    graph.add((uri, DCTERMS.publisher, _agent(graph, publisher)))
    if dataset.contact_point:
        graph.add((uri, DCAT.contactPoint, _contact(graph, dataset.contact_point, publisher)))
    for keyword in dataset.keywords:
        graph.add((uri, DCAT.keyword, Literal(keyword, lang="fr")))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
        graph.add((uri, DCTERMS.temporal, period))
    if dataset.spatial:
        place = URIRef(dataset.spatial)
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((uri, DCTERMS.spatial, place))
    _distributions(graph, info, dataset, uri)
    return uri


def _catalog_node(graph: Graph, info: CatalogInfo) -> URIRef:
    catalog = info.catalog_uri
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(info.title, lang="fr")))
    graph.add((catalog, DCTERMS.description, Literal(info.description, lang="fr")))
    graph.add((catalog, DCTERMS.publisher, _agent(graph, info.publisher)))
    graph.add((catalog, FOAF.homepage, URIRef(f"{info.root}/dcat/catalog")))
    graph.add((URIRef(f"{info.root}/dcat/catalog"), RDF.type, FOAF.Document))
    taxonomy = URIRef(voc.DATA_THEME)
    graph.add((taxonomy, RDF.type, SKOS.ConceptScheme))
    graph.add((taxonomy, DCTERMS.title, Literal(voc.SCHEME_TITLES[voc.DATA_THEME], lang="fr")))
    graph.add((catalog, DCAT.themeTaxonomy, taxonomy))
    return catalog


def _published_datasets() -> Any:
    return (
        select(Dataset)
        .where(published())
        .order_by(Dataset.id)
        .options(selectinload(Dataset.fields))
    )


def catalog_page(
    session: Session,
    info: CatalogInfo,
    *,
    page: int = 1,
    page_size: int | None = None,
    extension: str = "ttl",
) -> Graph:
    """One page of the catalogue (``page_size`` None: every published dataset, one graph)."""
    if page < 1:
        raise InvalidInput(Text("page numbers start at 1"), field="page")
    graph = _bind(Graph())
    catalog = _catalog_node(graph, info)
    stmt = _published_datasets()
    if page_size is not None:
        total = int(
            session.scalar(select(func.count()).select_from(Dataset).where(published())) or 0
        )
        last = max(1, math.ceil(total / page_size))
        if page > last:
            raise NotFound(Text("the catalogue has {last} page(s)", last=last), field="page")
        stmt = stmt.offset((page - 1) * page_size).limit(page_size)
        view = info.page_url(extension, page)
        graph.add((catalog, RDF.type, HYDRA.Collection))
        graph.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
        graph.add((catalog, HYDRA.view, view))
        graph.add((view, RDF.type, HYDRA.PartialCollectionView))
        graph.add((view, HYDRA.first, info.page_url(extension, 1)))
        graph.add((view, HYDRA.last, info.page_url(extension, last)))
        if page > 1:
            graph.add((view, HYDRA.previous, info.page_url(extension, page - 1)))
        if page < last:
            graph.add((view, HYDRA.next, info.page_url(extension, page + 1)))
    for dataset in session.scalars(stmt):
        graph.add((catalog, DCAT.dataset, add_dataset(graph, info, dataset)))
    return graph


def published_datasets(session: Session) -> list[Dataset]:
    """Every dataset the catalogue publishes, by id."""
    return list(session.scalars(_published_datasets()))


def published_dataset(session: Session, dataset_id: int) -> Dataset:
    """A dataset the catalogue publishes, or NotFound (a non-open one is not said to exist)."""
    dataset = session.scalar(_published_datasets().where(Dataset.id == dataset_id))
    if dataset is None:
        raise NotFound(Text("no published dataset {id}", id=dataset_id))
    return dataset


def dataset_graph(session: Session, info: CatalogInfo, dataset_id: int) -> Graph:
    """One published dataset's description (its own URI dereferences to it)."""
    graph = _bind(Graph())
    add_dataset(graph, info, published_dataset(session, dataset_id))
    return graph


def serialize(graph: Graph, extension: str) -> str:
    name, _ = FORMATS[extension]
    return graph.serialize(format=name)
