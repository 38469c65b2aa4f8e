"""Import a DCAT-AP catalogue (Turtle or RDF/XML), such as a data.gouv.fr organisation's
catalogue, so that an administration starts from what it already publishes.

Every ``dcat:Dataset`` becomes a dataset of one data store (a file store named after the
catalogue unless one is given, rooted at the catalogue file's folder), with its publication
metadata. A dataset whose distribution is a file reachable inside that folder (a ``file:``
download URL, or a relative one) is named as the file store names it (its folder relative
to the root as schema, its file name as name), so a scan of the store harvests into the
imported dataset: its fields, findings and the publication gate then meet its metadata. A
dataset is matched on its ``dct:identifier`` (``external_ref``): importing again updates,
never duplicates. The file is read and every record validated before anything is written,
and the import runs in the caller's transaction: all of it, or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from rdflib.term import Node
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import Actor, Permission
from registre.catalog.data import stores
from registre.catalog.enums import DatasetKind, OpenDataAccess
from registre.catalog.errors import DomainError, InvalidInput
from registre.catalog.i18n import Joined, Text
from registre.catalog.inputs import DatasetUpdate
from registre.catalog.models.data import Dataset, DataStore
from registre.catalog.publication import vocabularies as voc
from registre.catalog.service import validate

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")


@dataclass
class ImportedDataset:
    """One ``dcat:Dataset`` of the file, as dataset values (validated before any write)."""

    identifier: str
    values: dict[str, Any]
    #: ``file:`` download URLs of its distributions: the data store itself, never published
    files: tuple[str, ...] = ()


@dataclass
class DcatImportReport:
    store: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _parse(path: Path) -> Graph:
    """Turtle or RDF/XML, by the file's suffix, else by trying both."""
    suffix = path.suffix.lower()
    order = ["xml", "turtle"] if suffix in (".rdf", ".xml", ".owl") else ["turtle", "xml"]
    errors = []
    for fmt in order:
        try:
            return Graph().parse(path, format=fmt)
        except (ParserError, SyntaxError, ValueError) as exc:
            errors.append(f"{fmt}: {type(exc).__name__}")
        except Exception as exc:  # noqa: BLE001 - rdflib parsers raise their own types
            errors.append(f"{fmt}: {type(exc).__name__}")
    raise InvalidInput(
        Text(
            "{file} is neither Turtle nor RDF/XML ({errors})", file=path.name, errors=Joined(errors)
        ),
        field="file",
    )


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    """The French value if there is one, else any; stripped, single spaces kept."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    if not values:
        return None
    french = [v for v in values if (v.language or "").startswith("fr")]
    return str((french or values)[0]).strip() or None


def _uri(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    for value in graph.objects(subject, predicate):
        if isinstance(value, URIRef):
            return str(value)
    return None


def _date(graph: Graph, subject: Node, *predicates: URIRef) -> dt.date | None:
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal):
                raw = str(value)[:10]
                try:
                    return dt.date.fromisoformat(raw)
                except ValueError:
                    continue
    return None


def _contact(graph: Graph, subject: Node) -> str | None:
    for node in graph.objects(subject, DCAT.contactPoint):
        email = _uri(graph, node, VCARD.hasEmail) or _text(graph, node, VCARD.hasEmail)
        if email:
            return email.removeprefix("mailto:")
        url = _uri(graph, node, VCARD.hasURL)
        if url:
            return url
    return None


def _publisher(graph: Graph, subject: Node) -> str | None:
    for node in graph.objects(subject, DCTERMS.publisher):
        name = _text(graph, node, FOAF.name)
        if name:
            return name
    return None


def _distributions(
    graph: Graph, subject: Node
) -> tuple[list[dict[str, Any]], str | None, tuple[str, ...]]:
    """The distributions, the first licence one of them names, and the ``file:`` URLs among
    their downloads (a file of the data store itself: kept as a distribution without a URL,
    so that no server path is ever published)."""
    found: list[tuple[str, dict[str, Any]]] = []
    licence = None
    files: list[str] = []
    for node in graph.objects(subject, DCAT.distribution):
        entry: dict[str, Any] = {}
        if title := _text(graph, node, DCTERMS.title):
            entry["title"] = title[:200]
        download = _uri(graph, node, DCAT.downloadURL)
        if download and download.startswith("file:"):
            files.append(download)
        elif download:
            entry["download_url"] = download
        access = _uri(graph, node, DCAT.accessURL)
        if access and access != entry.get("download_url"):
            entry["access_url"] = access
        fmt = _uri(graph, node, DCTERMS["format"]) or _text(graph, node, DCTERMS["format"])
        fmt = fmt or _text(graph, node, DCAT.mediaType) or _uri(graph, node, DCAT.mediaType)
        if fmt and (code := voc.file_type_of(fmt)):
            entry["format"] = code
        licence = licence or _uri(graph, node, DCTERMS.license)
        found.append((str(node), entry))
    entries = [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
    return entries, licence, tuple(sorted(files))


def _record(graph: Graph, subject: Node) -> ImportedDataset:
    identifier = _text(graph, subject, DCTERMS.identifier) or str(subject)
    title = _text(graph, subject, DCTERMS.title)
    if not title:
        raise InvalidInput(Text("dataset {id} has no dct:title", id=identifier), field="file")
    distributions, distribution_licence, files = _distributions(graph, subject)
    values: dict[str, Any] = {
        "title": title[:200],
        "description": _text(graph, subject, DCTERMS.description),
        "publisher": _publisher(graph, subject),
        "contact_point": _contact(graph, subject),
        "themes": sorted(
            {t for o in graph.objects(subject, DCAT.theme) if (t := voc.theme_of(str(o)))}
        ),
        "keywords": sorted(
            {str(o).strip()[:200] for o in graph.objects(subject, DCAT.keyword) if str(o).strip()}
        ),
        "distributions": distributions,
        "open_data_access": OpenDataAccess.OPEN,
    }
    if (frequency := _uri(graph, subject, DCTERMS.accrualPeriodicity)) and (
        code := voc.frequency_of(frequency)
    ):
        values["update_frequency"] = code
    if licence := _uri(graph, subject, DCTERMS.license) or distribution_licence:
        values["licence"], values["licence_url"] = voc.licence_of(licence)
    if (rights := _uri(graph, subject, DCTERMS.accessRights)) and (access := voc.access_of(rights)):
        values["open_data_access"] = access
    for period in graph.objects(subject, DCTERMS.temporal):
        values["temporal_start"] = _date(graph, period, DCAT.startDate, SCHEMA.startDate)
        values["temporal_end"] = _date(graph, period, DCAT.endDate, SCHEMA.endDate)
    if spatial := _uri(graph, subject, DCTERMS.spatial):
        values["spatial"] = spatial
    if values["open_data_access"] is OpenDataAccess.NOT_COMMUNICABLE:
        # DCAT says NON_PUBLIC, not which CRPA exception: a person decides that
        values["open_data_access"] = OpenDataAccess.ON_REQUEST
    # validated now: a bad record stops the import before anything is written
    try:
        checked = validate(DatasetUpdate, {k: v for k, v in values.items() if v is not None})
    except InvalidInput as exc:
        raise InvalidInput(
            Text("dataset {id}: {message}", id=identifier, message=exc.message), field=exc.field
        ) from None
    return ImportedDataset(identifier[:500], checked.model_dump(exclude_unset=True), files)


def read_dcat(path: Path) -> tuple[str | None, list[ImportedDataset]]:
    """The catalogue's title and its datasets, validated; InvalidInput if the file is bad."""
    graph = _parse(path)
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    title = _text(graph, catalogs[0], DCTERMS.title) if catalogs else None
    subjects = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    if not subjects:
        raise InvalidInput(Text("{file} holds no dcat:Dataset", file=path.name), field="file")
    records = [_record(graph, subject) for subject in subjects]
    seen: set[str] = set()
    for record in records:
        if record.identifier in seen:
            raise InvalidInput(Text("two datasets share the identifier {id}", id=record.identifier))
        seen.add(record.identifier)
    return title, records


def _store(session: Session, actor: Actor, name: str, path: Path) -> DataStore:
    store = session.scalar(select(DataStore).where(DataStore.name == name))
    if store is not None:
        return store
    return stores.register_data_store(
        session,
        actor,
        {
            "name": name,
            "url": path.resolve().parent.as_uri(),
            "description": f"Jeux de données importés du catalogue DCAT-AP {path.name}",
        },
    )


def _local_file(files: tuple[str, ...], root: Path) -> tuple[str, str] | None:
    """(schema, name) of the first ``file:`` URL that is a regular file inside ``root``, as a
    file store names it; None when no distribution is reachable as a file there."""
    for url in files:
        path = Path(url2pathname(urlsplit(url).path))
        try:
            relative = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue  # outside the store's folder: the scan would not see it
        if path.is_file() and not path.is_symlink():
            folder = relative.parent.as_posix()
            return ("" if folder == "." else folder), relative.name
    return None


def _name(title: str, taken: set[str]) -> str:
    name, n = title[:480], 2
    while name in taken:
        name, n = f"{title[:470]} ({n})", n + 1
    return name


def import_dcat(
    session: Session, actor: Actor, path: Path, *, store_name: str | None = None
) -> DcatImportReport:
    """Register or update every dataset of the DCAT-AP file ``path`` in one store."""
    actor.require(Permission.REGISTER)
    title, records = read_dcat(path)
    store = _store(session, actor, store_name or title or f"dcat:{path.stem}", path)
    report = DcatImportReport(store.name)
    known = {
        d.external_ref: d
        for d in session.scalars(select(Dataset).where(Dataset.external_ref.is_not(None)))
    }
    taken = set(session.scalars(select(Dataset.name).where(Dataset.data_store_id == store.id)))
    for record in records:
        try:
            existing = known.get(record.identifier)
            if existing is None:
                local = _local_file(record.files, path.parent)
                schema, name = local or ("", _name(record.values["title"], taken))
                taken.add(name)
                stores.register_dataset(
                    session,
                    actor,
                    {
                        "data_store_id": store.id,
                        "schema_name": schema,
                        "name": name,
                        "kind": DatasetKind.FILE,
                        "external_ref": record.identifier,
                        **record.values,
                    },
                )
                report.created.append(record.values["title"])
                continue
            changes = {k: v for k, v in record.values.items() if _current(existing, k) != _plain(v)}
            if not changes:
                report.unchanged.append(record.values["title"])
                continue
            stores.update_dataset(session, actor, existing.id, changes)
            report.updated.append(record.values["title"])
        except DomainError as exc:
            exc.message = Text("dataset {id}: {message}", id=record.identifier, message=exc.message)
            raise
    session.flush()
    return report


def _plain(value: Any) -> Any:
    """A value as the dataset stores it (distributions without their empty keys)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v}
    return value


def _current(dataset: Dataset, key: str) -> Any:
    return getattr(dataset, key)
