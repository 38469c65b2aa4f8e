"""The review queue: every finding the scanners suggest, riskiest first, confirmed or
rejected one by one (in place, with htmx) or in bulk, with a comment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Permission
from registre.catalog.data.findings import review_finding
from registre.catalog.enums import FindingStatus
from registre.catalog.errors import InvalidInput
from registre.catalog.models import DataStore, Finding
from registre.web import queries
from registre.web.core import Page, csv_response, safe_next
from registre.web.labels import OPEN_LABELS, Vocabulary, label

DECISIONS = {"CONFIRMED": FindingStatus.CONFIRMED, "REJECTED": FindingStatus.REJECTED}


@dataclass(frozen=True)
class Filters:
    search: str | None
    category: str | None
    data_store_id: int | None


def _filters(page: Page) -> Filters:
    store = page.arg("entrepot")
    category = page.arg("categorie")
    return Filters(
        search=page.arg("q") or None,
        category=category if category in OPEN_LABELS[Vocabulary.CATEGORY] else None,
        data_store_id=int(store) if store.isdigit() else None,
    )


def review_queue(page: Page) -> Response:
    filters = _filters(page)
    stmt = queries.review_queue(
        search=filters.search, category=filters.category, data_store_id=filters.data_store_id
    )
    evidence = page.can(Permission.READ_EVIDENCE)
    if page.arg("format") == "csv":
        return _csv(page, queries.everything(page.db, stmt), evidence)
    paged = queries.paginate(page.db, stmt, queries.page_number(page.arg("page")))
    stores = list(page.db.scalars(select(DataStore).order_by(DataStore.name)))
    return page.render(
        "review.html",
        paged=paged,
        evidence=evidence,
        stores=stores,
        filters=filters,
        categories=[
            (code, label(page.t, code, Vocabulary.CATEGORY))
            for code in OPEN_LABELS[Vocabulary.CATEGORY]
        ],
        done=page.arg("fait"),
    )


def _csv(page: Page, findings: list[Finding], evidence: bool) -> Response:
    t = page.t
    header = [
        t.gettext("Data store"),
        t.gettext("Dataset"),
        t.gettext("Field"),
        t.gettext("Personal data"),
        t.gettext("Category"),
        t.gettext("Coverage"),
        t.gettext("Masked example"),
    ]
    rows = [
        [
            f.field.dataset.data_store.name,
            f.field.dataset.qualified_name,
            f.field.name,
            label(t, f.entity_type, Vocabulary.ENTITY_TYPE),
            label(t, f.category, Vocabulary.CATEGORY),
            t.percent(f.coverage),
            (f.masked_example or "") if evidence else "",
        ]
        for f in findings
    ]
    return csv_response("revue", header, rows)


def decide(page: Page) -> Response:
    """Confirm or reject: one finding (``one=ID:DECISION``) or the ticked ones."""
    page.actor.require(Permission.REVIEW)
    comment = page.field("comment") or None
    one = page.field("one")
    if one:
        finding_id, _, decision = one.partition(":")
        choices = [(finding_id, decision)]
    else:
        decision = page.field("decision")
        choices = [(finding_id, decision) for finding_id in page.fields("finding")]
    if not choices:
        raise InvalidInput(page.t.gettext("Tick at least one finding."))
    reviewed = []
    for finding_id, decision in choices:
        if not finding_id.isdigit() or decision not in DECISIONS:
            raise InvalidInput(page.t.gettext("Unknown finding or decision."))
        reviewed.append(
            review_finding(
                page.db,
                page.actor,
                {
                    "finding_id": int(finding_id),
                    "decision": DECISIONS[decision],
                    "comment": comment,
                },
            )
        )
    page.db.commit()
    if page.htmx and one:
        finding = reviewed[0]
        return page.render(
            "review_row.html", f=finding, evidence=page.can(Permission.READ_EVIDENCE)
        )
    back = safe_next(page.field("next"), "/revue")
    back = _without(back, "fait")
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}fait={len(reviewed)}", status_code=303)


def _without(url: str, key: str) -> str:
    path, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith(f"{key}=")]
    return path + ("?" + "&".join(kept) if kept else "")
