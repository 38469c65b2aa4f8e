"""Policy packs: every shipped YAML validates, loading is idempotent and audited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
import typer
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.db import session_factory, transaction
from registre.catalog.enums import PolicyFramework, PolicyKind, Role
from registre.catalog.errors import InvalidInput, PermissionDenied
from registre.catalog.governance.policy_packs import (
    apply_pack,
    available_packs,
    list_packs,
    load_pack,
    parse_pack,
    read_pack,
)
from registre.catalog.governance.register import create_policy
from registre.catalog.models import AuditEvent, Policy
from tests.support.catalogs import Catalog

EXPECTED_PACKS = {
    "ai-act": PolicyFramework.AI_ACT,
    "gdpr": PolicyFramework.GDPR,
    "ii901": PolicyFramework.II_901,
    "iso42001": PolicyFramework.ISO_IEC_42001,
    "nist-ai-rmf": PolicyFramework.NIST_AI_RMF,
    "pssie": PolicyFramework.PSSIE,
    "secnumcloud": PolicyFramework.SECNUMCLOUD,
}


@pytest.fixture
def packs_catalog(new_catalog: Callable[..., Catalog]) -> Catalog:
    return new_catalog()


@pytest.fixture
def catalog_url(packs_catalog: Catalog) -> str:
    return packs_catalog.url


@pytest.fixture
def engine(packs_catalog: Catalog) -> Engine:
    return packs_catalog.engine


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


def test_every_shipped_pack_validates_with_its_framework() -> None:
    assert set(available_packs()) == set(EXPECTED_PACKS)
    for summary in list_packs():
        assert summary.framework is EXPECTED_PACKS[summary.name]
        assert summary.policies > 0


def test_packs_cite_the_references_the_compliance_rules_rely_on() -> None:
    refs = {
        (pack.framework, policy.control_ref)
        for pack in (read_pack(name) for name in available_packs())
        for policy in pack.policies
    }
    for expected in [
        (PolicyFramework.PSSIE, "INT-HOMOLOG-SSI"),
        (PolicyFramework.PSSIE, "INT-REX-HB"),
        (PolicyFramework.PSSIE, "INT-REX-AR"),
        (PolicyFramework.SECNUMCLOUD, "§19.6"),
        (PolicyFramework.ISO_IEC_42001, "A.3.2"),
        (PolicyFramework.ISO_IEC_42001, "A.7.5"),
        (PolicyFramework.NIST_AI_RMF, "GOVERN 1.6"),
        *((PolicyFramework.AI_ACT, f"Art. {n}") for n in (4, 5, 9, 14, 26, 27, 49, 50, 86)),
        *((PolicyFramework.GDPR, f"Art. {n}") for n in (5, 6, 9, 22, 28, 30, 35, 37, 44, 46)),
    ]:
        assert expected in refs, expected


def test_pack_texts_are_summaries_not_empty() -> None:
    for name in available_packs():
        for policy in read_pack(name).policies:
            assert len(policy.text) >= 40, (name, policy.control_ref)


def test_load_twice_creates_nothing_the_second_time(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        first = load_pack(session, CLI_ACTOR, "gdpr")
    assert len(first.created) == first.total == 13
    with transaction(factory) as session:
        second = load_pack(session, CLI_ACTOR, "gdpr")
        assert second.created == [] and second.updated == []
        assert len(second.unchanged) == 13
        assert session.scalar(select(func.count(Policy.id))) == 13
        events = Counter(session.scalars(select(AuditEvent.action)))
    assert events["create_policy"] == 13
    assert "update_policy_from_pack" not in events


def test_all_packs_load_into_one_catalog(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        total = sum(load_pack(session, CLI_ACTOR, name).total for name in available_packs())
        by_framework = dict(
            session.execute(select(Policy.framework, func.count()).group_by(Policy.framework)).all()
        )
    assert total == sum(by_framework.values())
    assert set(by_framework) == set(EXPECTED_PACKS.values())


def test_a_changed_pack_updates_title_text_and_url_and_audits(
    factory: sessionmaker[Session],
) -> None:
    pack = read_pack("pssie")
    with transaction(factory) as session:
        apply_pack(session, CLI_ACTOR, pack)
    changed = pack.model_copy(
        update={
            "policies": [
                pack.policies[0].model_copy(
                    update={
                        "title": "Homologuer avant la production",
                        "url": "https://example.org/x",
                    }
                ),
                *pack.policies[1:],
            ]
        }
    )
    with transaction(factory) as session:
        report = apply_pack(session, CLI_ACTOR, changed)
        policy = session.scalar(select(Policy).filter_by(control_ref="INT-HOMOLOG-SSI"))
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "update_policy_from_pack")
        )
    assert report.updated == ["INT-HOMOLOG-SSI (v2014)"]
    assert len(report.unchanged) == len(pack.policies) - 1
    assert policy.title == "Homologuer avant la production"
    assert policy.url == "https://example.org/x"
    assert event.before["title"] != event.after["title"] == "Homologuer avant la production"


def test_an_existing_policy_is_matched_not_duplicated(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        create_policy(
            session,
            CLI_ACTOR,
            {
                "kind": PolicyKind.SECURITY,
                "framework": PolicyFramework.PSSIE,
                "control_ref": "INT-REX-HB",
                "title": "Hébergement en France",
                "version": "2014",
                "owner": "RSSI",
            },
        )
    with transaction(factory) as session:
        report = load_pack(session, CLI_ACTOR, "pssie")
        policy = session.scalar(select(Policy).filter_by(control_ref="INT-REX-HB"))
    assert report.updated == ["INT-REX-HB (v2014)"]
    assert policy.owner == "RSSI"  # the pack names no owner: the local one stays


def test_unknown_pack_lists_the_available_ones(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session, pytest.raises(InvalidInput) as caught:
        load_pack(session, CLI_ACTOR, "pssi")
    assert "pssie" in caught.value.message and "secnumcloud" in caught.value.message
    with pytest.raises(InvalidInput):
        read_pack("../settings")


def test_auditor_may_not_load_a_pack(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session, pytest.raises(PermissionDenied):
        load_pack(session, Actor("audit", Role.AUDITOR), "gdpr")


@pytest.mark.parametrize(
    ("yaml_text", "problem"),
    [
        (
            "name: x\ntitle: X\nframework: PSSIE\nkind: SECURITY\nversion: '1'\n"
            "policies: [{control_ref: A, title: T, text: t, colour: red}]\n",
            "colour",
        ),
        (
            "name: x\ntitle: X\nframework: PSSI\nkind: SECURITY\nversion: '1'\n"
            "policies: [{control_ref: A, title: T, text: t}]\n",
            "framework",
        ),
        (
            "name: x\ntitle: X\nframework: GDPR\nkind: LEGAL\nversion: '1'\n"
            "policies: [{control_ref: A, title: T, text: t}]\n",
            "kind",
        ),
        (
            "name: x\ntitle: X\nframework: GDPR\nkind: GOVERNANCE\nversion: '1'\n"
            "policies: [{control_ref: A, title: T, text: t},\n"
            "           {control_ref: A, title: U, text: u}]\n",
            "twice",
        ),
        ("name: x\ntitle: [unclosed\n", "YAML"),
    ],
)
def test_invalid_pack_is_refused_with_the_reason(yaml_text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_pack(yaml_text, "test.yaml")
    assert problem in caught.value.message


def _cli() -> typer.Typer:
    from registre.cli.governance import policies_app

    app = typer.Typer()
    app.add_typer(policies_app, name="policies")
    return app


def test_cli_lists_and_loads_packs(catalog_url: str, engine: Engine) -> None:
    runner = CliRunner()
    env = {"REGISTRE_DATABASE_URL": catalog_url}
    listed = runner.invoke(_cli(), ["policies", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "nist-ai-rmf" in listed.output
    loaded = runner.invoke(_cli(), ["policies", "load", "iso42001"], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "16 created, 0 updated, 0 unchanged" in loaded.output
    again = runner.invoke(_cli(), ["policies", "load", "iso42001"], env=env)
    assert "0 created, 0 updated, 16 unchanged" in again.output
    unknown = runner.invoke(_cli(), ["policies", "load", "nope"], env=env)
    assert unknown.exit_code == 1
