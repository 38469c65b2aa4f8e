"""Governance and security policies: the list (searchable, filtered by kind and framework,
as CSV) and a form to create one, through the catalog's ``create_policy`` (as
``createPolicy``: authorised, validated, audited). Policies are then linked to AI systems
from each system's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Permission
from registre.catalog.data.search import text_search
from registre.catalog.enums import PolicyFramework, PolicyKind
from registre.catalog.errors import DomainError
from registre.catalog.governance.register import create_policy
from registre.catalog.models import Policy
from registre.web import queries
from registre.web.core import Page, csv_response, headers
from registre.web.i18n import N_
from registre.web.labels import label

POLICY_FIELDS = ("kind", "framework", "control_ref", "title", "text", "url", "version", "owner")


def _choice(raw: str, vocabulary: Any) -> Any:
    return vocabulary(raw) if raw in vocabulary.__members__ else None


def policies(page: Page) -> Response:
    t = page.t
    stmt = text_search(select(Policy), page.arg("q"), Policy.title, Policy.control_ref)
    if kind := _choice(page.arg("type"), PolicyKind):
        stmt = stmt.where(Policy.kind == kind)
    if framework := _choice(page.arg("referentiel"), PolicyFramework):
        stmt = stmt.where(Policy.framework == framework)
    stmt = stmt.order_by(Policy.framework, Policy.control_ref, Policy.version)
    if page.arg("format") == "csv":
        header = headers(
            t, N_("Framework"), N_("Control"), N_("Title"), N_("Kind"), N_("Version"), N_("Owner")
        )
        rows = [
            [label(t, p.framework), p.control_ref, p.title, label(t, p.kind), p.version, p.owner]
            for p in queries.everything(page.db, stmt)
        ]
        return csv_response("registre-politiques", header, rows)
    return page.render(
        "policies.html",
        paged=queries.paginate(page.db, stmt, queries.page_number(page.arg("page"))),
        created=page.arg("cree"),
        **_vocabularies(page),
    )


def _vocabularies(page: Page) -> dict[str, Any]:
    return {
        "kinds": [(k.value, label(page.t, k)) for k in PolicyKind],
        "frameworks": [(f.value, label(page.t, f)) for f in PolicyFramework],
    }


def _form(page: Page, values: dict[str, Any], error: DomainError | None) -> Response:
    return page.render(
        "policy_form.html",
        status=400 if error else 200,
        values=values,
        error=error,
        **_vocabularies(page),
    )


def new_policy(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    return _form(page, {"version": "1"}, None)


def save_policy(page: Page) -> Response:
    page.actor.require(Permission.REGISTER)
    values = {name: page.field(name) for name in POLICY_FIELDS}
    try:
        policy = create_policy(page.db, page.actor, {k: v for k, v in values.items() if v})
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return _form(page, values, exc)
    return RedirectResponse(f"/politiques?cree={policy.id}", status_code=303)
