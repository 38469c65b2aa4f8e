"""Compliance issues, exposure (with each AI system's data flows), processing activities
and the exports, the audit trail and, for admins, the tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Permission
from registre.catalog.access.tokens import create_token, revoke_token
from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.issues import IssueFilter, IssueStatus
from registre.catalog.data.search import audit_events_statement
from registre.catalog.enums import LegalBasis, RiskClass, Role
from registre.catalog.errors import DomainError, InvalidInput
from registre.catalog.exports.common import ExportKind
from registre.catalog.exports.registry import build_export
from registre.catalog.exposure.details import exposure_page
from registre.catalog.exposure.query import ExposureFilter, exposed_datasets
from registre.catalog.governance.register import (
    create_processing_activity,
    link_processing_activity,
)
from registre.catalog.i18n import translate
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    ApiToken,
    AuditEvent,
    Dataset,
    Domain,
    Organisation,
    ProcessingActivity,
    api_token_domain,
)
from registre.catalog.models.base import utcnow
from registre.catalog.service import get
from registre.web import queries
from registre.web.core import Page, csv_response, headers
from registre.web.flow import flow_picture
from registre.web.i18n import N_
from registre.web.issues import about, catch_up, every_issue, issue_page, month_start
from registre.web.issues import statement as issue_statement
from registre.web.labels import OPEN_LABELS, Vocabulary, domain_name, label
from registre.web.legal import RULE_TITLES, rule_title

SUBJECT_TYPES = ("AISystem", "Dataset", "ProcessingActivity", "Organisation")
#: the page's "état" filter: open issues, those fixed this month, those ever fixed, all
STATES = {
    "ouverts": IssueStatus.OPEN,
    "fermes-ce-mois": IssueStatus.CLOSED,
    "fermes": IssueStatus.CLOSED,
    "tous": IssueStatus.ALL,
}


def _issue_filter(page: Page) -> IssueFilter:
    severity = page.arg("gravite")
    subject = page.arg("sujet")
    rule = page.arg("regle")
    state = page.arg("etat") or "ouverts"
    return IssueFilter(
        severity=Severity(severity) if severity in Severity.__members__ else None,
        subject_type=subject if subject in SUBJECT_TYPES else None,
        rule=rule if rule in RULE_TITLES else None,
        status=STATES.get(state, IssueStatus.OPEN),
        closed_from=month_start(utcnow()) if state == "fermes-ce-mois" else None,
    )


def compliance(page: Page) -> Response:
    t = page.t
    catch_up(page.db)
    stmt = issue_statement(_issue_filter(page), page.arg("q"), page.t.language)
    if page.arg("format") == "csv":
        header = headers(
            t,
            N_("Severity"),
            N_("Rule"),
            N_("Title"),
            N_("Legal basis"),
            N_("Subject"),
            N_("What is missing"),
            N_("First seen"),
            N_("Closed"),
        )
        rows = [
            [
                label(t, Severity(i.severity)),
                i.rule,
                rule_title(t, i.rule, i.title),
                translate(i.legal_basis, t.language),
                i.subject_name,
                translate(i.message, t.language),
                t.date(i.first_seen_at),
                t.date(i.closed_at) if i.closed_at else "",
            ]
            for i in every_issue(page.db, stmt)
        ]
        return csv_response("conformite", header, rows)
    paged = issue_page(page.db, stmt, page.arg("apres"), start=page.arg("rang"))
    return page.render(
        "compliance.html",
        paged=paged,
        issues=paged.items,
        severities=[(s.value, label(t, s)) for s in Severity],
        subjects=[
            ("AISystem", t.gettext("AI systems")),
            ("Dataset", t.gettext("Datasets")),
            ("ProcessingActivity", t.gettext("Processing activities")),
            ("Organisation", t.gettext("Organisations")),
        ],
        rules=sorted(
            ((rule, t.gettext(title)) for rule, title in RULE_TITLES.items()),
            key=lambda pair: pair[1].casefold(),
        ),
        states=[
            ("fermes-ce-mois", t.gettext("Fixed this month")),
            ("fermes", t.gettext("Fixed")),
            ("tous", t.gettext("Open and fixed")),
        ],
        showing_closed=page.arg("etat") in {"fermes-ce-mois", "fermes", "tous"},
    )


def exposure(page: Page) -> Response:
    t = page.t
    category = page.arg("categorie")
    outside = page.arg("hors_ue") == "oui"
    flt = ExposureFilter(
        categories=frozenset({category})
        if category in OPEN_LABELS[Vocabulary.CATEGORY]
        else frozenset(),
        hosting_outside_eu=True if outside else None,
        used_by_ai_system=True if page.arg("ia") == "oui" else None,
    )
    stmt = exposed_datasets(flt).order_by(Dataset.name, Dataset.id)
    if page.arg("format") == "csv":
        rows = exposure_page(page.db, queries.everything(page.db, stmt), flt)
        header = headers(
            t,
            N_("Dataset"),
            N_("Categories"),
            N_("Data store hosting country"),
            N_("AI systems"),
        )
        return csv_response(
            "exposition",
            header,
            [
                [
                    e.dataset.qualified_name,
                    ", ".join(label(t, c, Vocabulary.CATEGORY) for c in e.categories),
                    e.hosting.country,
                    ", ".join(u.ai_system.name for u in e.ai_uses),
                ]
                for e in rows
            ],
        )
    paged = queries.paginate(page.db, stmt, queries.page_number(page.arg("page")))
    systems = list(page.db.scalars(select(AISystem).order_by(AISystem.name)))
    return page.render(
        "exposure.html",
        paged=paged,
        rows=exposure_page(page.db, paged.items, flt),
        systems=systems,
        categories=[
            (c, label(t, c, Vocabulary.CATEGORY)) for c in OPEN_LABELS[Vocabulary.CATEGORY]
        ],
    )


def exposure_of_system(page: Page) -> Response:
    system = get(page.db, AISystem, page.request.path_params["id"])
    links = list(
        page.db.scalars(
            select(AISystemDataset)
            .where(AISystemDataset.ai_system_id == system.id)
            .options(selectinload(AISystemDataset.dataset))
        )
    )
    datasets = [link.dataset for link in links]
    rows = exposure_page(page.db, datasets, ExposureFilter())
    catch_up(page.db)
    issues = about(page.db, "AISystem", system.id)
    return page.render(
        "flow.html",
        system=system,
        picture=flow_picture(page.t, system, links, rows, issues),
        issues=issues,
    )


def processing(page: Page, error: DomainError | None = None, values: Any = None) -> Response:
    activities = list(page.db.scalars(select(ProcessingActivity).order_by(ProcessingActivity.name)))
    # Annex VIII Section C registers high-risk systems only
    systems = list(
        page.db.scalars(
            select(AISystem).where(AISystem.risk_class == RiskClass.HIGH).order_by(AISystem.name)
        )
    )
    if page.arg("format") == "csv":
        t = page.t
        header = headers(t, N_("Name"), N_("Purposes"), N_("Legal basis"), N_("Retention"))
        rows = [[a.name, a.purposes, a.legal_basis, a.retention] for a in activities]
        return csv_response("traitements", header, rows)
    writable = page.can(Permission.REGISTER)
    return page.render(
        "processing.html",
        status=400 if error else 200,
        activities=activities,
        systems=systems,
        writable=writable,
        error=error,
        values=values or {},
        organisations=list(page.db.scalars(select(Organisation).order_by(Organisation.name)))
        if writable
        else [],
        legal_bases=[(b.value, label(page.t, b)) for b in LegalBasis],
        all_systems=list(page.db.scalars(select(AISystem).order_by(AISystem.name)))
        if writable
        else [],
        all_datasets=list(page.db.scalars(select(Dataset).order_by(Dataset.name).limit(2000)))
        if writable
        else [],
    )


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def create_processing(page: Page) -> Response:
    """A new entry of the Art. 30 record, through ``create_processing_activity``."""
    page.actor.require(Permission.REGISTER)
    values: dict[str, Any] = {
        name: page.field(name) for name in ("name", "controller_id", "purposes", "legal_basis")
    }
    values["retention"] = page.field("retention")
    if (domain := page.domain_field()) is not None:  # a select only for several domains
        values["domain_id"] = domain
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "controller_id" in data:
        data["controller_id"] = _id(data["controller_id"])
    try:
        create_processing_activity(page.db, page.actor, data)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return processing(page, exc, values)
    return RedirectResponse("/traitements", status_code=303)


def link_processing(page: Page) -> Response:
    """Attach an AI system and/or a dataset to an entry (``link_processing_activity``)."""
    page.actor.require(Permission.REGISTER)
    data: dict[str, Any] = {"processing_activity_id": _id(page.field("processing_activity_id"))}
    for name in ("ai_system_id", "dataset_id"):
        if page.field(name):
            data[name] = _id(page.field(name))
    try:
        link_processing_activity(page.db, page.actor, data)
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return processing(page, exc)
    return RedirectResponse("/traitements", status_code=303)


EXPORT_KINDS = {
    "art30": ExportKind.ART30,
    "inventaire": ExportKind.INVENTORY,
    "annexe-viii": ExportKind.ANNEX_VIII,
    "aipd": ExportKind.PIA,
}


def export(page: Page) -> Response:
    kind = EXPORT_KINDS.get(page.request.path_params["kind"])
    if kind is None:
        raise InvalidInput(page.t.gettext("Unknown export."))
    subject = page.arg("id")
    ident = int(subject) if subject.isdigit() else None
    produced = build_export(
        page.db,
        page.actor,
        kind,
        ai_system_id=ident if kind is ExportKind.ANNEX_VIII else None,
        processing_activity_id=ident if kind is ExportKind.PIA else None,
    )
    return Response(
        produced.content,
        media_type=produced.media_type,
        headers={"Content-Disposition": f'attachment; filename="{produced.filename}"'},
    )


def audit_trail(page: Page) -> Response:
    stmt = audit_events_statement(
        entity_type=page.arg("objet") or None,
        actor=page.arg("acteur") or None,
        action=page.arg("action") or None,
    ).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    t = page.t
    if page.arg("format") == "csv":
        header = headers(t, N_("When"), N_("Who"), N_("Action"), N_("Object"), N_("Object id"))
        rows = [
            [t.date(e.at), e.actor, e.action, e.entity_type, e.entity_id]
            for e in queries.everything(page.db, stmt)
        ]
        return csv_response("journal", header, rows)
    return page.render(
        "audit.html",
        paged=queries.paginate(page.db, stmt, queries.page_number(page.arg("page"))),
    )


def tokens(page: Page, created: tuple[str, str] | None = None, error: Any = None) -> Response:
    page.actor.require(Permission.ADMIN)
    rows = list(page.db.scalars(select(ApiToken).order_by(ApiToken.name)))
    # the domains a token is limited to, shown beside its role (none: the whole organisation)
    domains: dict[int, list[str]] = {}
    for token_id, name in page.db.execute(
        select(api_token_domain.c.api_token_id, Domain.name)
        .join(Domain, Domain.id == api_token_domain.c.domain_id)
        .order_by(Domain.name)
    ):
        domains.setdefault(token_id, []).append(domain_name(page.t, name))
    return page.render(
        "tokens.html",
        status=400 if error else 200,
        tokens=rows,
        token_domains=domains,
        roles=[(r.value, label(page.t, r)) for r in Role],
        created=created,
        error=error,
    )


def create_token_page(page: Page) -> Response:
    try:
        token, clear = create_token(page.db, page.actor, page.field("name"), page.field("role"))
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return tokens(page, error=exc)
    return tokens(page, created=(token.name, clear))


def revoke_token_page(page: Page) -> Response:
    revoke_token(page.db, page.actor, page.field("name"))
    page.db.commit()
    return page.back("/jetons")
