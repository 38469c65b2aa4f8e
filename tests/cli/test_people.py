"""``registre domain``, ``registre user`` and tokens limited to domains, run for real
against a SQLite catalog; the token then works through the API within its domain only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.models import AuditEvent, Domain
from registre.cli.main import app
from tests.support.api import serve
from tests.support.catalogs import Catalog
from tests.support.domains import post


@pytest.fixture
def catalog_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_help_of_the_people_commands() -> None:
    for group in ("domain", "user", "token"):
        code, out = run(group, "--help")
        assert code == 0, out
    code, out = run("token", "create", "--help")
    assert "--domain" in out and "--user" in out and "repeatable" in out
    code, out = run("user", "grant", "--help")
    assert "--role" in out and "--domain" in out


def test_domains_users_and_a_domain_token(catalog_url: str) -> None:
    assert run("db", "upgrade")[0] == 0
    for name in ("RH", "Social"):
        code, out = run("domain", "create", name)
        assert code == 0 and f"domain '{name}' created" in out, out
    code, out = run("domain", "create", "rh")
    assert code == 1 and "already exists" in out
    code, out = run("domain", "list")
    assert code == 0 and "RH" in out and "Social" in out and "default" in out, out

    code, out = run("user", "create", "--name", "Alice Martin", "--email", "alice@ville.fr")
    assert code == 0, out
    code, out = run("user", "grant", "alice@ville.fr", "--role", "steward", "--domain", "RH")
    assert code == 0 and "steward on RH" in out, out
    code, out = run("user", "grant", "alice@ville.fr", "--role", "auditor")
    assert code == 0 and "the whole organisation" in out, out
    code, out = run("user", "list")
    assert "steward@RH" in out and "auditor@organisation" in out, out
    assert run("user", "revoke", "alice@ville.fr", "--role", "auditor")[0] == 0
    code, out = run("user", "revoke", "alice@ville.fr", "--role", "auditor")
    assert code == 1 and "holds no role" in out
    # refusals name what is known
    code, out = run("user", "grant", "alice@ville.fr", "--role", "steward", "--domain", "Finances")
    assert code == 1 and "no domain named 'Finances'" in out and "RH, Social, default" in out, out
    code, out = run("user", "grant", "alice@ville.fr", "--role", "admin", "--domain", "RH")
    assert code == 1 and "whole organisation only" in out, out
    code, out = run("user", "grant", "bob@ville.fr", "--role", "steward")
    assert code == 1 and "no user 'bob@ville.fr'" in out, out
    code, out = run("token", "create", "--name", "t", "--role", "steward", "--domain", "Paie")
    assert code == 1 and "known domains: RH, Social, default" in out, out

    code, out = run(
        "token",
        "create",
        "--name",
        "alice-rh",
        "--role",
        "steward",
        "--domain",
        "RH",
        "--user",
        "alice@ville.fr",
    )
    assert code == 0 and "on RH" in out, out
    token = out.strip().splitlines()[-1]
    code, out = run("token", "list")
    assert "alice" in out and "Alice" in out and token not in out

    engine = make_engine(catalog_url)
    with transaction(session_factory(engine)) as session:
        ids = {d.name: d.id for d in session.scalars(select(Domain))}
        for name in ("RH", "Social"):
            stores.register_data_store(
                session,
                CLI_ACTOR,
                {"name": f"base-{name}", "url": "postgresql://u@h/b", "domain_id": ids[name]},
            )
    with serve(Catalog.at(catalog_url), tokens={}) as api:
        body = post(
            api.client, token, "{ me { name role } dataStores { edges { node { name } } } }"
        )
        assert body["data"]["me"] == {"name": "Alice Martin", "role": "STEWARD"}
        assert body["data"]["dataStores"]["edges"] == [{"node": {"name": "base-RH"}}]
        update = """mutation($i: RegisterDataStoreInput!) { registerDataStore(input: $i) {
            dataStore { domain { name } } } }"""
        made = post(
            api.client, token, update, {"i": {"name": "neuve", "url": "postgresql://u@h/n"}}
        )
        assert made["data"]["registerDataStore"]["dataStore"]["domain"] == {"name": "RH"}
    with session_factory(engine)() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None and last.actor == "Alice Martin" and last.domain_id == ids["RH"]
    # a disabled user's tokens stop working; the trail keeps naming her
    code, out = run("user", "disable", "alice@ville.fr")
    assert code == 0 and "disabled" in out, out
    with serve(Catalog.at(catalog_url), tokens={}) as api:
        answer = api.client.post(
            "/graphql",
            json={"query": "{ me { name } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 401
    # --domain is repeatable: a token of two domains reads both, and only them
    code, out = run(
        "token", "create", "--name", "rh-social", "--role", "steward",
        "--domain", "RH", "--domain", "Social",
    )  # fmt: skip
    assert code == 0, out
    both = out.strip().splitlines()[-1]
    with serve(Catalog.at(catalog_url), tokens={}) as api:
        body = post(api.client, both, "{ dataStores { edges { node { name } } } }")
        names = {e["node"]["name"] for e in body["data"]["dataStores"]["edges"]}
        assert names == {"base-RH", "base-Social", "neuve"}, body
    engine.dispose()
