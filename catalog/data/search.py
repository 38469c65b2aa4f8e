"""Reading the register: which datasets hold personal data, and the searches and filters
every reader (the API, the compliance facts, the exposure query) builds on.

One definition of "holds personal data": a field still present has a finding that
:func:`~registre.catalog.data.findings.counts_as_personal` (confirmed, or suggested and
still seen by the scans).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    exists,
    literal_column,
    or_,
    select,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from registre.catalog.data.findings import counts_as_personal_sql
from registre.catalog.enums import AISystemStatus, RiskClass, ScanStatus, Sensitivity
from registre.catalog.models.access import AuditEvent
from registre.catalog.models.ai import AISystem
from registre.catalog.models.data import Dataset, Field, Finding, ScanRun
from registre.catalog.models.exposure import ExposureDatasetRow


def personal_finding(*narrower: ColumnElement[bool]) -> ColumnElement[bool]:
    """``Finding`` (joined to its ``Field``) counts as personal data on a field still
    present, and meets the ``narrower`` conditions (a category, a status...)."""
    return and_(counts_as_personal_sql(), Field.removed_at.is_(None), *narrower)


def holds_personal_data(*narrower: ColumnElement[bool]) -> ColumnElement[bool]:
    """``Dataset`` holds personal data (a :func:`personal_finding` meeting ``narrower``)."""
    return exists(
        select(Finding.id)
        .join(Field, Field.id == Finding.field_id)
        .where(Field.dataset_id == Dataset.id, personal_finding(*narrower))
    )


def kept_personal_data() -> ColumnElement[bool]:
    """:func:`holds_personal_data` for a dataset still present, as the exposure kept per
    dataset records it (:mod:`registre.catalog.exposure.kept`, current at each commit): an
    index lookup instead of a join of ``finding`` with ``field``. For reads; a write reading
    what it has just changed, before its commit, uses :func:`holds_personal_data`.

    Every present dataset has one kept row (``exposure_dataset``) with its number of
    personal-data fields; the condition reads "no row of it counting none", so that
    PostgreSQL hashes the few datasets without personal data instead of the many with it
    (a search matching 14,000 datasets of a million fields: 43 -> 16 ms)."""
    row = ExposureDatasetRow
    return ~exists(select(row.dataset_id).where(row.dataset_id == Dataset.id, row.fields == 0))


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_search(stmt: Select[Any], search: str | None, *columns: Any) -> Select[Any]:
    """Rows where any of ``columns`` contains ``search``, any case (all rows if no search)."""
    if not search:
        return stmt
    pattern = like_pattern(search.strip())
    return stmt.where(or_(*(col.ilike(pattern, escape="\\") for col in columns)))


#: the FTS5 table (SQLite only, trigram tokenizer) indexing ``dataset.name`` and
#: ``dataset.description``, kept current by triggers (migration 0019)
DATASET_FTS = "dataset_search"


class _DatasetSearch(ColumnElement[bool]):
    """``dataset.name`` or ``dataset.description`` contains ``text``, any case.

    PostgreSQL (and any other database): ``ILIKE '%text%'`` (the ``pg_trgm`` indexes
    serve it). SQLite, for a text of three characters or more: a phrase query on the FTS5
    trigram index :data:`DATASET_FTS` (a substring match, case folded as ``ILIKE`` does);
    shorter texts, which a trigram cannot index, take ``LIKE`` as before.

    The text travels as bound parameters that are part of the construct's cache key
    (``_traverse_internals``), with the choice between the two forms: SQLAlchemy reuses a
    compiled statement for every statement of the same key, so a parameter made while
    compiling would keep the first search's value (and shift the others': a page's
    cursor was read as the search, and paging never ended)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("pattern", InternalTraversal.dp_clauseelement),
        ("phrase", InternalTraversal.dp_clauseelement),
        ("short", InternalTraversal.dp_boolean),
    ]

    def __init__(self, text: str) -> None:
        self.short = len(text) < 3
        self.pattern = bindparam(None, like_pattern(text), type_=String())
        self.phrase = bindparam(None, '"' + text.replace('"', '""') + '"', type_=String())


@compiles(_DatasetSearch)
def _search_default(element: _DatasetSearch, compiler: Any, **kw: Any) -> str:
    cond = or_(
        *(col.ilike(element.pattern, escape="\\") for col in (Dataset.name, Dataset.description))
    )
    # in parentheses: the OR is a string to the statement around it, which would not
    # know to group it (``a AND name LIKE x OR description LIKE x AND b``)
    return str(compiler.process(cond.self_group(), **kw))


@compiles(_DatasetSearch, "sqlite")
def _search_sqlite(element: _DatasetSearch, compiler: Any, **kw: Any) -> str:
    if element.short:
        return _search_default(element, compiler, **kw)
    fts = sql_table(DATASET_FTS, sql_column("rowid"))
    matched = select(fts.c.rowid).where(literal_column(DATASET_FTS).op("MATCH")(element.phrase))
    return str(compiler.process(Dataset.id.in_(matched), **kw))


def datasets_statement(
    *,
    search: str | None = None,
    data_store_id: int | None = None,
    contains_personal_data: bool | None = None,
    sensitivity: Sensitivity | None = None,
    include_removed: bool = False,
) -> Select[Any]:
    """Datasets by part of their name or description, store, personal data, sensitivity."""
    stmt = select(Dataset)
    if not include_removed:
        stmt = stmt.where(Dataset.removed_at.is_(None))
    if search and search.strip():
        stmt = stmt.where(_DatasetSearch(search.strip()))
    if data_store_id is not None:
        stmt = stmt.where(Dataset.data_store_id == data_store_id)
    if sensitivity is not None:
        stmt = stmt.where(Dataset.sensitivity == sensitivity)
    if contains_personal_data is not None:
        # the kept exposure holds the datasets still present only
        cond = holds_personal_data() if include_removed else kept_personal_data()
        stmt = stmt.where(cond if contains_personal_data else ~cond)
    return stmt


def ai_systems_statement(
    *,
    search: str | None = None,
    status: AISystemStatus | None = None,
    risk_class: RiskClass | None = None,
) -> Select[Any]:
    """AI systems by part of their name or purpose, status and risk class."""
    stmt = text_search(select(AISystem), search, AISystem.name, AISystem.purpose)
    if status is not None:
        stmt = stmt.where(AISystem.status == status)
    if risk_class is not None:
        stmt = stmt.where(AISystem.risk_class == risk_class)
    return stmt


def audit_events_statement(
    *, entity_type: str | None = None, actor: str | None = None, action: str | None = None
) -> Select[Any]:
    """Audit events with exactly these values (an empty or missing one does not filter)."""
    stmt = select(AuditEvent)
    for column, value in (
        (AuditEvent.entity_type, entity_type),
        (AuditEvent.actor, actor),
        (AuditEvent.action, action),
    ):
        if value:
            stmt = stmt.where(column == value)
    return stmt


def scan_runs_statement(
    *, data_store_id: int | None = None, status: ScanStatus | None = None
) -> Select[Any]:
    """Scan runs of a data store and of a status."""
    stmt = select(ScanRun)
    if data_store_id is not None:
        stmt = stmt.where(ScanRun.data_store_id == data_store_id)
    if status is not None:
        stmt = stmt.where(ScanRun.status == status)
    return stmt
