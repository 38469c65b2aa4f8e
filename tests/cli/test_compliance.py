"""``registre compliance refresh`` and ``registre db upgrade`` leave the stored issues as a
fresh evaluation finds them, after changes written outside Registre."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from registre.catalog.compliance.engine import evaluate
from registre.catalog.db import make_engine, session_factory
from registre.catalog.models import StoredIssue
from registre.cli.main import app


@pytest.fixture
def catalog_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _current(url: str) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    """(stored open issues, a fresh evaluation) as (rule, subject id, message)."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        stored = sorted(
            (r.rule, r.subject_id, r.message)
            for r in session.scalars(select(StoredIssue).where(StoredIssue.closed_at.is_(None)))
        )
        fresh = sorted((i.rule, i.subject_id, i.message) for i in evaluate(session))
    engine.dispose()
    return stored, fresh


def _write_outside_registre(url: str) -> None:
    """A public body without DPO contact, inserted with plain SQL: no Registre
    session sees them, so only a refresh can."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (name, is_public_body, qualifications, non_eu_control,"
                " dpf_certified, provides_public_service, created_at)"
                " VALUES ('Mairie de Test', 1, :q, 0, 0, 0, :now)"
            ),
            {"q": json.dumps([]), "now": "2026-11-01 00:00:00"},
        )
    engine.dispose()


def test_help_says_when_to_refresh() -> None:
    code, out = run("compliance", "refresh", "--help")
    assert code == 0
    assert "config/compliance.yaml" in out and "closes" in out


def test_refresh_opens_what_changed_outside_and_closes_what_was_fixed(catalog_url: str) -> None:
    assert run("db", "upgrade")[0] == 0
    _write_outside_registre(catalog_url)
    stored, fresh = _current(catalog_url)
    assert stored != fresh  # written behind Registre's back: not known yet
    code, out = run("compliance", "refresh")
    assert code == 0, out
    assert "opened" in out and "closed" in out
    stored, fresh = _current(catalog_url)
    assert stored == fresh and any(rule == "GDPR-37-DPO" for rule, _, _ in stored)
    engine = make_engine(catalog_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE organisation SET dpo_contact = 'dpo@test.fr'"))
    engine.dispose()
    code, out = run("compliance", "refresh")
    assert code == 0, out
    assert _current(catalog_url)[0] == [] == _current(catalog_url)[1]
    engine = make_engine(catalog_url)
    with session_factory(engine)() as session:
        closed = session.scalars(select(StoredIssue).where(StoredIssue.closed_at.is_not(None)))
        assert [r.rule for r in closed] == ["GDPR-37-DPO"]
    engine.dispose()


def test_db_upgrade_brings_the_stored_issues_up_to_date(catalog_url: str) -> None:
    assert run("db", "upgrade")[0] == 0
    _write_outside_registre(catalog_url)
    assert run("db", "upgrade")[0] == 0
    stored, fresh = _current(catalog_url)
    assert stored == fresh != []
