"""The stored compliance issues as the pages read them, like the API does
(``graphql/compliance.py``): :func:`catalog.compliance.issues.issues_query` with its
filters, keyset pages in the engine's order, never the rules evaluated on a request.

A page of issues is addressed by the sort key of the last issue of the page before it
(``apres=`` in the address, base64url JSON), so that every page costs the same at any
depth; the pager offers the next page and a way back to the first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from registre.catalog.compliance import issues as stored
from registre.catalog.compliance.engine import ComplianceIssue
from registre.catalog.compliance.rule import Rule
from registre.catalog.compliance.rules import RULES
from registre.catalog.compliance.store import refresh_due
from registre.catalog.data.search import like_pattern
from registre.catalog.i18n import ENGLISH, FRENCH, translate
from registre.catalog.models.compliance import StoredIssue
from registre.web.legal import RULE_TITLES
from registre.web.queries import CSV_MAX_ROWS, PAGE_SIZE


def catch_up(db: Session) -> None:
    """Obligations whose AI Act date came since they were stored change severity today."""
    if refresh_due(db) is not None:
        db.commit()


def encode_cursor(key: stored.SortKey) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> stored.SortKey | None:
    """The sort key in ``text``, or None when it is not one (the first page then)."""
    if not text:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(parts, list) or len(parts) != 6:
        return None
    rank, rule, kind, subject_id, message, row_id = parts
    if not (
        all(isinstance(n, int) and not isinstance(n, bool) for n in (rank, subject_id, row_id))
        and all(isinstance(s, str) for s in (rule, kind, message))
    ):
        return None
    return (rank, rule, kind, subject_id, message, row_id)


@dataclass
class IssuePage:
    """One keyset page of stored issues, and how many the filters keep in all."""

    items: list[ComplianceIssue]
    total: int
    first_index: int
    next_cursor: str | None
    is_first: bool

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1 if self.items else 0


def statement(
    flt: stored.IssueFilter, search: str = "", language: str = ENGLISH
) -> Select[tuple[StoredIssue]]:
    """The stored issues ``flt`` keeps whose rule, subject, title, legal basis or message,
    as the page shows them in ``language``, contains ``search`` (any case).

    The search stays one SQL statement at any number of issues (a ministry keeps 100,000
    and more): rendering every stored message in the reader's language to search it would
    read and translate every row at each search. So the French rendering of each message
    is stored with it (``message_fr``, written in the transaction that writes the issue,
    rewritten by a refresh when the translation changes), and searched like the English
    one; on PostgreSQL the searched columns have trigram GIN indexes, so that a rare match
    is read through them (``bench/issue_search.py``: about 10 ms at 100,000 issues, against
    a whole-table read before; docs/benchmarks.md). A title or a legal basis is one per
    rule: the rules whose title or basis reads with ``search`` in ``language`` are found
    in the catalog of messages, and the issues of those rules kept by their rule id.
    """
    stmt = stored.issues_query(flt)
    words = search.strip()
    if not words:
        return stmt
    message = StoredIssue.message_fr if language == FRENCH else StoredIssue.message
    by_rule = [rule.id for rule in RULES if _reads_with(rule, words, language)]
    pattern = like_pattern(words)
    columns = (StoredIssue.rule, StoredIssue.subject_name, message)
    return stmt.where(
        or_(*(c.ilike(pattern, escape="\\") for c in columns), StoredIssue.rule.in_(by_rule))
    )


def _reads_with(rule: Rule, words: str, language: str) -> bool:
    """Whether ``rule``'s title (as the pages name it) or legal basis, in ``language``,
    contains ``words`` (any case)."""
    title = RULE_TITLES.get(rule.id, rule.title)
    shown = (translate(title, language), translate(rule.legal_basis, language))
    return any(words.casefold() in text.casefold() for text in shown)


def issue_page(
    db: Session,
    stmt: Select[tuple[StoredIssue]],
    after: str = "",
    size: int | None = None,
    start: str = "",
) -> IssuePage:
    """The page after the cursor ``after`` (the first page without one). ``start`` is the
    rank of its first issue as the previous page said it (``rang=``), only shown: counting
    the issues before the cursor would cost more at every page."""
    size = size or PAGE_SIZE
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    key = decode_cursor(after)
    if key is not None:
        stmt = stmt.where(stored.after_key(key))
    rows = list(db.scalars(stmt.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    rank = int(start) if key is not None and start.isdigit() and 0 < int(start) <= total else 1
    return IssuePage(
        items=[stored.as_issue(r) for r in rows],
        total=total,
        first_index=rank if rows else 0,
        next_cursor=encode_cursor(stored.sort_key(rows[-1])) if more else None,
        is_first=key is None,
    )


def every_issue(db: Session, stmt: Select[tuple[StoredIssue]]) -> list[ComplianceIssue]:
    return [stored.as_issue(r) for r in db.scalars(stmt.limit(CSV_MAX_ROWS))]


def open_by_severity(db: Session) -> dict[str, int]:
    """How many issues are open, by severity."""
    rows: Sequence[Any] = db.execute(
        select(StoredIssue.severity, func.count())
        .where(StoredIssue.closed_at.is_(None))
        .group_by(StoredIssue.severity)
    ).all()
    return {str(severity): int(n) for severity, n in rows}


def about(db: Session, kind: str, subject_id: int) -> list[ComplianceIssue]:
    """Open issues about or naming one AI system or dataset, in the engine's order."""
    if kind == "AISystem":
        found = stored.issues_mentioning(db, ai_system_ids=[subject_id])
    else:
        found = stored.issues_mentioning(db, dataset_ids=[subject_id])
    return found.get((kind, subject_id), [])


def month_start(now: dt.datetime) -> dt.datetime:
    """The first instant of ``now``'s month (UTC, as the records are stored)."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
