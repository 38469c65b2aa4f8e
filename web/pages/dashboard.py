"""The home page: where personal data is, what awaits review, what the law finds missing,
and when the stores were and will be scanned."""

from __future__ import annotations

from starlette.responses import Response

from registre.catalog.compliance.config import Severity
from registre.catalog.exposure.query import ExposureFilter
from registre.catalog.exposure.summary import ExposureSummary
from registre.catalog.models.base import utcnow
from registre.web import queries
from registre.web.charts import bar_chart
from registre.web.core import Page
from registre.web.issues import catch_up, open_by_severity
from registre.web.labels import Vocabulary, label


def dashboard(page: Page) -> Response:
    t = page.t
    summary = ExposureSummary(page.db, ExposureFilter())
    by_category = summary.by_category
    stores = summary.by_data_store
    catch_up(page.db)
    severities = open_by_severity(page.db)
    by_severity = [(severity, severities.get(severity.value, 0)) for severity in Severity]
    awaiting_total, awaiting = queries.awaiting_review(page.db)
    now = utcnow()
    return page.render(
        "dashboard.html",
        personal_datasets=summary.datasets,
        personal_fields=summary.fields,
        by_category=by_category,
        category_chart=bar_chart(
            [(label(t, c.key, Vocabulary.CATEGORY), c.fields) for c in by_category]
        ),
        by_store=stores,
        store_chart=bar_chart([(c.key or "—", c.fields) for c in stores]),
        by_severity=by_severity,
        severity_chart=bar_chart(
            [(label(t, s), n) for s, n in by_severity],
            tones=[f"sev-{s.value.lower()}" for s, _ in by_severity],
        ),
        issues_total=sum(severities.values()),
        awaiting_total=awaiting_total,
        awaiting=awaiting,
        last_runs=queries.last_runs(page.db),
        next_scans=queries.next_scans(page.db, now, page.web.settings.schedule_timezone),
    )
