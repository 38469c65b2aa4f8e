"""The Dutch algorithm register imported: its organisations deploy its systems, what it says
of legal bases and impact assessments is kept, and French rules stay silent on it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.compliance.engine import evaluate
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.governance.importer import import_ai_systems
from registre.catalog.models import AISystem, Organisation
from tests.catalog.compliance.test_store import evaluated, stored

ROOT = Path(__file__).resolve().parents[3]
DUTCH = ROOT.parent / "shared" / "data" / "nl-algoritmeregister-2026-08-08.json"
FRENCH_RULES = {
    "PSSIE-HOMOLOGATION", "SREN-31-HOSTING", "II901-DR", "CRPA-L312-INVENTORY", "CRPA-L311-NOTICE",
}  # fmt: skip


@pytest.mark.skipif(not DUTCH.exists(), reason=f"{DUTCH} not present (shared reference data)")
def test_dutch_organisations_deploy_their_systems(tmp_path: Path) -> None:
    records = json.loads(DUTCH.read_text(encoding="utf-8"))["algoritmes"][:200]
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"algoritmes": records}), encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    migrate.upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        report = import_ai_systems(session, CLI_ACTOR, sample)
    assert report.organisations_created == len({r["organisatie"] for r in records})
    with factory() as session:
        orgs = {o.id: o for o in session.scalars(select(Organisation))}
        assert {(o.country, o.is_public_body) for o in orgs.values()} == {("NL", True)}
        systems = {s.external_ref: s for s in session.scalars(select(AISystem))}
        for record in records:
            system = systems[f"nl-algoritmeregister:{record['id']}"]
            assert orgs[system.deployer_id].name == record["organisatie"].strip()
            assert system.legal_basis_reference == (record["juridische_basis"].strip() or None)
            expected = {"Ja": True, "Nee": False}.get(record["impactassessment"])
            assert system.declared_impact_assessment is expected
        issues = evaluate(session)
        # the issues kept by the import (written in its transaction) are the evaluation's
        assert stored(session) == evaluated(session)
    rules = Counter(i.rule for i in issues)
    # French law (PSSIE / RGS, Loi SREN, II 901, CRPA) never applies to Dutch municipalities
    assert not FRENCH_RULES & set(rules), rules
    # GDPR Art. 37(1)(a): each public authority needs a DPO, none is recorded
    assert rules["GDPR-37-DPO"] == len(orgs)
    engine.dispose()
