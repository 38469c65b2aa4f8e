"""The French search of /conformite at 100,000 stored issues (run on demand, not in CI).

    python -m bench.issue_search [--issues 100000] [--db postgresql|sqlite]

Fills a fresh catalog (a PostgreSQL database on 127.0.0.1, or a SQLite file) with N stored
compliance issues whose messages are templates (22 rules' worth of shapes, each naming a
subject of its own), then times, 20 times each: the page's statement for a French search
and for an English one (its count and its first page, as ``/conformite?q=`` runs them), and
the alternative the page does not take: rendering every stored message in French to search
it. Prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

from registre.catalog import migrate
from registre.catalog.compliance import issues as stored
from registre.catalog.compliance.rules import RULES
from registre.catalog.i18n import FRENCH, Text, translate
from registre.catalog.models.compliance import StoredIssue
from registre.web.issues import issue_page, statement

TEMPLATES = (
    "'{name}' has no accountable owner",
    "'{name}' is in production without a completed security homologation",
    "public body '{name}' records no DPO contact",
    "'{name}' has no human oversight owner (Art. 26(2))",
)


def _rows(n: int) -> list[dict[str, object]]:
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(n):
        rule = RULES[i % len(RULES)]
        message = Text(TEMPLATES[i % len(TEMPLATES)], name=f"Système {i}")
        rows.append(
            {
                "rule": rule.id,
                "subject_type": "AISystem",
                "subject_id": i,
                "subject_name": f"Système {i}",
                "identity": f"{i:032d}",
                "severity": "HIGH",
                "severity_rank": 1,
                "legal_basis": rule.legal_basis,
                "title": rule.title,
                "message": str(message),
                "message_text": message.as_json(),
                "message_fr": translate(message, FRENCH),
                "sort_message": str(message)[:200],
                "facts": {"ai_system_id": i},
                "unknown": False,
                "suggested": False,
                "not_yet_applicable": False,
                "first_seen_at": now,
                "last_seen_at": now,
            }
        )
    return rows


def _time(work: Callable[[], object], times: int = 20) -> tuple[float, float]:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    if args.db == "postgresql":
        admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("DROP DATABASE IF EXISTS registre_bench_issue_search"))
            conn.execute(text("CREATE DATABASE registre_bench_issue_search"))
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/registre_bench_issue_search"
    else:
        url = f"sqlite:///{Path(folder.name) / 'catalog.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        rows = _rows(args.issues)
        for start in range(0, len(rows), 5000):
            session.execute(insert(StoredIssue), rows[start : start + 5000])
    if args.db == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE compliance_issue"))
    flt = stored.IssueFilter()
    with Session(engine) as session:
        searches = (
            ("responsable désigné", "fr"),
            ("accountable owner", "en"),
            ("Système 4242 »", "fr"),
        )
        for words, lang in searches:
            stmt = statement(flt, words, lang)
            page = issue_page(session, stmt)
            p50, p95 = _time(lambda stmt=stmt: issue_page(session, stmt))
            print(
                f"{lang} search {words!r}: {page.total} issues; p50 {p50:.0f} ms, p95 {p95:.0f} ms"
            )

        def render_all() -> int:
            found = 0
            for (data,) in session.execute(text("SELECT message_text FROM compliance_issue")):
                template = data if isinstance(data, dict) else json.loads(data)
                if "responsable désigné" in Text.from_json(template).render(FRENCH):
                    found += 1
            return found

        p50, p95 = _time(render_all, times=3)
        print(f"rendering every message in French to search it: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    engine.dispose()
    if args.db == "postgresql":
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("DROP DATABASE registre_bench_issue_search"))


if __name__ == "__main__":
    main()
