"""Data stores (their scan runs, drift and failures, "scan now"), datasets and fields."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Permission
from registre.catalog.data.scan_errors import not_queued
from registre.catalog.data.search import datasets_statement, scan_runs_statement, text_search
from registre.catalog.data.stores import register_data_store, update_data_store, update_dataset
from registre.catalog.enums import Role, Sensitivity
from registre.catalog.errors import DomainError, InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.models import (
    AISystemDataset,
    Dataset,
    DataStore,
    Field,
    Organisation,
    ScanRun,
)
from registre.catalog.service import get
from registre.scanners.runs.lifecycle import Liveness, abandon_run, start_scan
from registre.web import queries
from registre.web.core import Page, csv_response, headers
from registre.web.i18n import N_
from registre.web.issues import about
from registre.web.labels import label

log = logging.getLogger("registre.web")


STORE_FIELDS = (
    "name",
    "url",
    "secret_ref",
    "description",
    "owner",
    "sensitivity",
    "hosting_country",
    "scan_schedule",
)


def _store_form(page: Page, values: dict[str, Any], error: DomainError | None) -> Response:
    return page.render(
        "store_form.html",
        status=400 if error else 200,
        values=values,
        error=error,
        sensitivities=[(s.value, label(page.t, s)) for s in Sensitivity],
    )


def new_store(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    return _store_form(page, {}, None)


def create_store(page: Page) -> Response:
    """Register a data store through the catalog's service, with the API's checks (no
    password in the URL, allowed parameters, admin-only secrets and local stores)."""
    page.actor.require(Permission.REGISTER)
    values = {name: page.field(name) for name in STORE_FIELDS}
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "hosting_country" in data:
        data["hosting_country"] = data["hosting_country"].upper()
    values["domain_id"] = data["domain_id"] = page.domain_field()
    try:
        store = register_data_store(page.db, page.actor, data)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        if _has_password(values["url"]):
            values["url"] = ""  # never sent back to the browser
        return _store_form(page, values, exc)
    return RedirectResponse(f"/entrepots/{store.id}", status_code=303)


def _has_password(url: str) -> bool:
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return ":" in url.partition("@")[0].partition("//")[2]


#: what ``updateDataStore`` lets a steward change (the name and the URL stay: a store is
#: registered again to change them); the secret reference is an admin's
STORE_EDIT_FIELDS = (
    "description",
    "owner",
    "sensitivity",
    "hosting_country",
    "hosting_organisation_id",
    "scan_schedule",
)


def _store_edit_form(
    page: Page, item: DataStore, values: dict[str, Any], error: DomainError | None
) -> Response:
    return page.render(
        "store_edit.html",
        status=400 if error else 200,
        store=item,
        values=values,
        error=error,
        sensitivities=[(s.value, label(page.t, s)) for s in Sensitivity],
        organisations=list(page.db.scalars(select(Organisation).order_by(Organisation.name))),
    )


def edit_store(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    item = get(page.db, DataStore, page.request.path_params["id"])
    values = {name: getattr(item, name) for name in (*STORE_EDIT_FIELDS, "secret_ref")}
    values["sensitivity"] = item.sensitivity.value if item.sensitivity else None
    return _store_edit_form(page, item, values, None)


def save_store(page: Page) -> Response:
    """What ``updateDataStore`` allows, through the catalog's ``update_data_store``: audited,
    checked as the API checks (cron, country, secret reference), an empty field clears it."""
    page.actor.require(Permission.REGISTER)
    item = get(page.db, DataStore, page.request.path_params["id"])
    values: dict[str, Any] = {name: page.field(name) or None for name in STORE_EDIT_FIELDS}
    if values["hosting_country"]:
        values["hosting_country"] = values["hosting_country"].upper()
    if page.actor.can(Permission.ADMIN):  # only an admin sees, sets or clears it
        values["secret_ref"] = page.field("secret_ref") or None
    try:
        organisation = values["hosting_organisation_id"] or ""
        if organisation and not organisation.isdigit():
            raise InvalidInput(
                Text("choose an organisation from the list"), field="hostingOrganisationId"
            )
        values["hosting_organisation_id"] = int(organisation) if organisation else None
        update_data_store(page.db, page.actor, item.id, values)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _store_edit_form(page, item, values, exc)
    return RedirectResponse(f"/entrepots/{item.id}", status_code=303)


DATASET_FIELDS = ("description", "steward", "sensitivity")


def _dataset_form(
    page: Page, item: Dataset, values: dict[str, Any], error: DomainError | None
) -> Response:
    return page.render(
        "dataset_form.html",
        status=400 if error else 200,
        dataset=item,
        values=values,
        error=error,
        sensitivities=[(s.value, label(page.t, s)) for s in Sensitivity],
    )


def edit_dataset(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    item = get(page.db, Dataset, page.request.path_params["id"])
    values = {
        "description": item.description,
        "steward": item.steward,
        "sensitivity": item.sensitivity.value if item.sensitivity else None,
    }
    return _dataset_form(page, item, values, None)


def save_dataset(page: Page) -> Response:
    """The description, steward and sensitivity, through the catalog's ``update_dataset``
    (as ``updateDataset``): audited, an empty field clears it."""
    page.actor.require(Permission.REGISTER)
    item = get(page.db, Dataset, page.request.path_params["id"])
    values = {name: page.field(name) or None for name in DATASET_FIELDS}
    try:
        update_dataset(page.db, page.actor, item.id, values)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _dataset_form(page, item, values, exc)
    return RedirectResponse(f"/jeux-de-donnees/{item.id}", status_code=303)


def stores(page: Page) -> Response:
    stmt = text_search(select(DataStore), page.arg("q"), DataStore.name, DataStore.description)
    stmt = stmt.order_by(DataStore.name)
    t = page.t
    if page.arg("format") == "csv":
        rows = queries.everything(page.db, stmt)
        runs = queries.latest_run_by_store(page.db, [s.id for s in rows])
        header = headers(
            t,
            N_("Name"),
            N_("Kind"),
            N_("Sensitivity"),
            N_("Owner"),
            N_("Last scan"),
            N_("Status"),
        )
        return csv_response(
            "entrepots",
            header,
            [
                [
                    s.name,
                    label(t, s.kind),
                    label(t, s.sensitivity),
                    s.owner,
                    t.date(s.last_scan_at),
                    label(t, runs[s.id].status) if s.id in runs else "",
                ]
                for s in rows
            ],
        )
    paged = queries.paginate(page.db, stmt, queries.page_number(page.arg("page")))
    runs = queries.latest_run_by_store(page.db, [s.id for s in paged.items])
    return page.render("stores.html", paged=paged, runs=runs)


def store(page: Page) -> Response:
    data_store = get(page.db, DataStore, page.request.path_params["id"])
    runs = queries.paginate(
        page.db,
        scan_runs_statement(data_store_id=data_store.id).order_by(ScanRun.id.desc()),
        queries.page_number(page.arg("page")),
        size=10,
    )
    datasets = list(
        page.db.scalars(
            datasets_statement(data_store_id=data_store.id).order_by(
                Dataset.schema_name, Dataset.name
            )
        )
    )
    return page.render(
        "store.html",
        store=data_store,
        runs=runs,
        datasets=datasets,
        # error details are the server's own words: admins only, as in the API
        details=page.actor.role is Role.ADMIN,
        started=page.arg("scan"),
    )


def scan_now(page: Page) -> Response:
    store_id = int(page.request.path_params["id"])
    page.actor.require(Permission.RECORD_SCAN)
    run = start_scan(
        page.db, page.actor, store_id, liveness=Liveness.from_settings(page.web.settings)
    )
    page.db.commit()
    try:
        page.web.services["scans"].submit(run.id, run.data_store_id)
    except Exception as exc:  # noqa: BLE001 - the queue refused: the run must not wait forever
        log.warning("scan run %s could not be queued: %s", run.id, type(exc).__name__)
        abandon_run(page.web.factory, run.id, not_queued(exc))
    return RedirectResponse(f"/entrepots/{store_id}?scan={run.id}", status_code=303)


def _sensitivity(raw: str) -> Sensitivity | None:
    return Sensitivity(raw) if raw in Sensitivity.__members__ else None


def datasets(page: Page) -> Response:
    personal = page.arg("personnel")
    store_id = page.arg("entrepot")
    stmt = datasets_statement(
        search=page.arg("q") or None,
        data_store_id=int(store_id) if store_id.isdigit() else None,
        contains_personal_data={"oui": True, "non": False}.get(personal),
        sensitivity=_sensitivity(page.arg("sensibilite")),
    ).options(selectinload(Dataset.data_store))
    stmt = stmt.order_by(Dataset.name, Dataset.id)
    t = page.t
    if page.arg("format") == "csv":
        rows = queries.everything(page.db, stmt)
        header = headers(
            t,
            N_("Data store"),
            N_("Dataset"),
            N_("Kind"),
            N_("Steward"),
            N_("Sensitivity"),
            N_("Estimated rows"),
        )
        return csv_response(
            "jeux-de-donnees",
            header,
            [
                [
                    d.data_store.name,
                    d.qualified_name,
                    label(t, d.kind),
                    d.steward,
                    label(t, d.sensitivity),
                    d.estimated_rows,
                ]
                for d in rows
            ],
        )
    paged = queries.paginate(page.db, stmt, queries.page_number(page.arg("page")))
    all_stores = list(page.db.scalars(select(DataStore).order_by(DataStore.name)))
    return page.render(
        "datasets.html",
        paged=paged,
        stores=all_stores,
        sensitivities=[(s.value, label(t, s)) for s in Sensitivity],
    )


def dataset(page: Page) -> Response:
    item = get(page.db, Dataset, page.request.path_params["id"])
    fields = list(
        page.db.scalars(
            select(Field)
            .where(Field.dataset_id == item.id, Field.removed_at.is_(None))
            .options(selectinload(Field.findings))
            .order_by(Field.position, Field.id)
        )
    )
    uses = list(
        page.db.scalars(
            select(AISystemDataset)
            .where(AISystemDataset.dataset_id == item.id)
            .options(selectinload(AISystemDataset.ai_system))
        )
    )
    return page.render(
        "dataset.html",
        dataset=item,
        fields=fields,
        uses=uses,
        issues=about(page.db, "Dataset", item.id),
        evidence=page.can(Permission.READ_EVIDENCE),
    )
