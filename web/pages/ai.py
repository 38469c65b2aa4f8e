"""The AI register: systems with their datasets, provider, hosting, policies, assessments
and compliance issues; forms to register and edit a system, link datasets and policies and
record assessments. Every change goes through the catalog's services (authorised, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Permission
from registre.catalog.data.search import ai_systems_statement, datasets_statement
from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    AssessmentStatus,
    AutomationLevel,
    DatasetUsage,
    PolicyLinkStatus,
    RiskClass,
    UseArea,
)
from registre.catalog.errors import DomainError
from registre.catalog.governance.register import (
    link_ai_system_dataset,
    link_ai_system_policy,
    record_assessment,
    register_ai_system,
    update_ai_system,
)
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Dataset,
    Organisation,
    Policy,
)
from registre.catalog.service import get
from registre.web import queries
from registre.web.core import Page, csv_response, headers
from registre.web.i18n import N_
from registre.web.issues import about
from registre.web.labels import label


def _choice(raw: str, vocabulary: Any) -> Any:
    return vocabulary(raw) if raw in vocabulary.__members__ else None


def systems(page: Page) -> Response:
    t = page.t
    stmt = ai_systems_statement(
        search=page.arg("q") or None,
        status=_choice(page.arg("statut"), AISystemStatus),
        risk_class=_choice(page.arg("risque"), RiskClass),
    ).options(selectinload(AISystem.provider))
    stmt = stmt.order_by(AISystem.name)
    if page.arg("format") == "csv":
        header = headers(
            t,
            N_("Name"),
            N_("Status"),
            N_("Risk class"),
            N_("Use area"),
            N_("Provider"),
            N_("Hosting country"),
        )
        rows = [
            [
                s.name,
                label(t, s.status),
                label(t, s.risk_class),
                label(t, s.use_area),
                s.provider.name if s.provider else "",
                s.hosting_country,
            ]
            for s in queries.everything(page.db, stmt)
        ]
        return csv_response("registre-ia", header, rows)
    return page.render(
        "ai_systems.html",
        paged=queries.paginate(page.db, stmt, queries.page_number(page.arg("page"))),
        statuses=[(s.value, label(t, s)) for s in AISystemStatus],
        risks=[(r.value, label(t, r)) for r in RiskClass],
    )


def system(page: Page) -> Response:
    return _system_page(page, None)


def _system_page(page: Page, error: str | None) -> Response:
    item = get(page.db, AISystem, page.request.path_params["id"])
    links = list(
        page.db.scalars(
            select(AISystemDataset)
            .where(AISystemDataset.ai_system_id == item.id)
            .options(selectinload(AISystemDataset.dataset).selectinload(Dataset.data_store))
        )
    )
    policies = list(
        page.db.scalars(
            select(AISystemPolicy)
            .where(AISystemPolicy.ai_system_id == item.id)
            .options(selectinload(AISystemPolicy.policy))
        )
    )
    assessments = list(
        page.db.scalars(
            select(Assessment).where(Assessment.ai_system_id == item.id).order_by(Assessment.id)
        )
    )
    writable = page.can(Permission.REGISTER)
    return page.render(
        "ai_system.html",
        status=400 if error else 200,
        system=item,
        links=links,
        policies=policies,
        assessments=assessments,
        issues=about(page.db, "AISystem", item.id),
        writable=writable,
        all_datasets=(
            list(page.db.scalars(datasets_statement().order_by(Dataset.name).limit(2000)))
            if writable
            else []
        ),
        all_policies=(
            list(page.db.scalars(select(Policy).order_by(Policy.framework, Policy.control_ref)))
            if writable
            else []
        ),
        usages=[(u.value, label(page.t, u)) for u in DatasetUsage],
        link_statuses=[(s.value, label(page.t, s)) for s in PolicyLinkStatus],
        kinds=[(k.value, label(page.t, k)) for k in AssessmentKind],
        assessment_statuses=[(s.value, label(page.t, s)) for s in AssessmentStatus],
        error=error,
    )


# --- the register / edit form ------------------------------------------------------------

TEXT_FIELDS = ("name", "purpose", "deployer_service", "owner", "human_oversight_owner")


def _form_values(page: Page) -> dict[str, Any]:
    """The form as the catalog's input: empty fields are "not recorded"."""
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        values[name] = page.field(name) or None
    for name, vocabulary in (
        ("use_area", UseArea),
        ("status", AISystemStatus),
        ("risk_class", RiskClass),
        ("automation_level", AutomationLevel),
    ):
        values[name] = page.field(name) or None
        if values[name] is not None and values[name] not in vocabulary.__members__:
            values[name] = "?"  # the catalog refuses it, naming the field
    country = page.field("hosting_country").upper()
    values["hosting_country"] = country or None
    provider = page.field("provider_id")
    values["provider_id"] = int(provider) if provider.isdigit() else None
    retention = page.field("log_retention_days")
    values["log_retention_days"] = int(retention) if retention.isdigit() else retention or None
    values["individual_decisions"] = page.field("individual_decisions") == "on"
    if (domain := page.domain_field()) is not None:  # a select only for several domains
        values["domain_id"] = domain
    if values["status"] is None:
        values.pop("status")
    return values


def _form(page: Page, system: AISystem | None, values: dict[str, Any], error: Any) -> Response:
    t = page.t
    return page.render(
        "ai_form.html",
        status=400 if error else 200,
        system=system,
        values=values,
        error=error,
        organisations=list(page.db.scalars(select(Organisation).order_by(Organisation.name))),
        use_areas=[(u.value, label(t, u)) for u in UseArea],
        statuses=[(s.value, label(t, s)) for s in AISystemStatus],
        risks=[(r.value, label(t, r)) for r in RiskClass],
        automation=[(a.value, label(t, a)) for a in AutomationLevel],
    )


def _values_of(system: AISystem) -> dict[str, Any]:
    values = {name: getattr(system, name) for name in TEXT_FIELDS}
    for name in ("use_area", "status", "risk_class", "automation_level"):
        value = getattr(system, name)
        values[name] = value.value if value is not None else None
    values |= {
        "hosting_country": system.hosting_country,
        "provider_id": system.provider_id,
        "log_retention_days": system.log_retention_days,
        "individual_decisions": system.individual_decisions,
        "domain_id": system.domain_id,
    }
    return values


def new_system(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    return _form(page, None, {"status": "PLANNED"}, None)


def create_system(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    values = _form_values(page)
    try:
        created = register_ai_system(page.db, page.actor, values)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _form(page, None, values, exc)
    return RedirectResponse(f"/systemes-ia/{created.id}", status_code=303)


def edit_system(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    item = get(page.db, AISystem, page.request.path_params["id"])
    return _form(page, item, _values_of(item), None)


def save_system(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    item = get(page.db, AISystem, page.request.path_params["id"])
    values = _form_values(page)
    try:
        update_ai_system(page.db, page.actor, item.id, values)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _form(page, item, values, exc)
    return RedirectResponse(f"/systemes-ia/{item.id}", status_code=303)


def _after_change(page: Page, system_id: int, action: Any) -> Response:
    page.actor.require(Permission.REGISTER)
    try:
        action()
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _system_page(page, page.error_text(exc))
    return RedirectResponse(f"/systemes-ia/{system_id}", status_code=303)


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def link_dataset(page: Page) -> Response:
    system_id = int(page.request.path_params["id"])
    data = {
        "ai_system_id": system_id,
        "dataset_id": _int(page.field("dataset_id")),
        "usage": page.field("usage") or None,
    }
    return _after_change(page, system_id, lambda: link_ai_system_dataset(page.db, page.actor, data))


def link_policy(page: Page) -> Response:
    system_id = int(page.request.path_params["id"])
    data = {
        "ai_system_id": system_id,
        "policy_id": _int(page.field("policy_id")),
        "status": page.field("status") or None,
        "evidence": page.field("evidence") or None,
    }
    return _after_change(page, system_id, lambda: link_ai_system_policy(page.db, page.actor, data))


def add_assessment(page: Page) -> Response:
    system_id = int(page.request.path_params["id"])
    data = {
        "ai_system_id": system_id,
        "kind": page.field("kind") or None,
        "status": page.field("status") or None,
        "date": page.field("date") or None,
        "summary": page.field("summary") or None,
    }
    return _after_change(page, system_id, lambda: record_assessment(page.db, page.actor, data))
