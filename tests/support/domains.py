"""A catalog of two domains where every kind of object has instances in both, each named
with its domain's marker (``zalpha``, ``zbeta``), so that a leak of one domain into the
other's answers shows as the other marker; plus a steward token and user per domain, a
DPO of one domain, an organisation-wide admin token, and one AI system of ``zalpha`` using a
dataset of ``zbeta`` (the link shows on both sides, the other domain's details do not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql_relay import to_global_id
from sqlalchemy.orm import Session

from registre.catalog.access import domains, people
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.data import stores
from registre.catalog.enums import Role
from registre.catalog.governance import register as ai_register
from registre.catalog.models import Field, Finding, ScanRun

A = CLI_ACTOR
MARKS = ("zalpha", "zbeta")


@dataclass
class Side:
    """One domain's objects: database ids by type name, and its tokens."""

    mark: str
    domain: int
    ids: dict[str, list[int]] = field(default_factory=dict)
    steward_token: str = ""
    user: int = 0

    def add(self, type_name: str, row_id: int) -> None:
        self.ids.setdefault(type_name, []).append(row_id)

    def gids(self) -> list[str]:
        return [to_global_id(t, i) for t, ids in self.ids.items() for i in ids]


@dataclass
class TwoDomains:
    sides: dict[str, Side]
    admin_token: str
    dpo_token: str  # the DPO of zalpha
    both_token: str  # a steward of both domains
    org: int
    policy: int

    def other(self, mark: str) -> Side:
        return next(s for m, s in self.sides.items() if m != mark)


def _findings(session: Session, dataset_id: int, run_id: int, mark: str, side: Side) -> None:
    for pos, (name, entity) in enumerate(((f"nom_{mark}", "PERSON"), (f"nir_{mark}", "FR_NIR"))):
        f = Field(dataset_id=dataset_id, name=name, position=pos, description=f"colonne {mark}")
        session.add(f)
        session.flush()
        side.add("Field", f.id)
        finding = Finding(
            field_id=f.id,
            entity_type=entity,
            category="identifier",
            score=0.9,
            coverage=0.95,
            distinct_sampled=100,
            masked_example=f"** {mark} **",
            reasons=[f"reason {mark}"],
            first_seen_run_id=run_id,
            last_seen_run_id=run_id,
        )
        session.add(finding)
        session.flush()
        side.add("Finding", finding.id)


def _side(session: Session, mark: str, org_id: int, policy_id: int) -> Side:
    domain = domains.create_domain(session, A, f"Direction {mark}")
    side = Side(mark, domain.id)
    side.add("Domain", domain.id)
    store = stores.register_data_store(
        session,
        A,
        {
            "name": f"store-{mark}",
            "url": f"postgresql://lecteur@db-{mark}/base_{mark}",
            "description": f"base {mark}",
            "hosting_country": "FR" if mark == MARKS[0] else "US",
            "domain_id": domain.id,
        },
    )
    side.add("DataStore", store.id)
    run = ScanRun(data_store_id=store.id, requested_by=f"scan {mark}")
    session.add(run)
    session.flush()
    side.add("ScanRun", run.id)
    for name in (f"table_{mark}", f"vue_{mark}"):
        ds = stores.register_dataset(
            session,
            A,
            {"data_store_id": store.id, "name": name, "description": f"données {mark}"},
        )
        side.add("Dataset", ds.id)
        _findings(session, ds.id, run.id, mark, side)
    ai = ai_register.register_ai_system(
        session,
        A,
        {
            "name": f"IA {mark}",
            "purpose": f"finalité {mark}",
            "provider_id": org_id,
            "domain_id": domain.id,
            "risk_class": "HIGH",
            "annex_iii_point": "4(a)",
        },
    )
    side.add("AISystem", ai.id)
    dataset_id = side.ids["Dataset"][0]
    ai_register.link_ai_system_dataset(
        session, A, {"ai_system_id": ai.id, "dataset_id": dataset_id, "usage": "INPUT"}
    )
    ai_register.link_ai_system_policy(
        session,
        A,
        {"ai_system_id": ai.id, "policy_id": policy_id, "status": "COMPLIANT", "evidence": mark},
    )
    activity = ai_register.create_processing_activity(
        session,
        A,
        {"name": f"Traitement {mark}", "purposes": f"but {mark}", "domain_id": domain.id},
    )
    side.add("ProcessingActivity", activity.id)
    for link in ({"dataset_id": dataset_id}, {"ai_system_id": ai.id}):
        ai_register.link_processing_activity(
            session, A, {"processing_activity_id": activity.id, **link}
        )
    assessment = ai_register.record_assessment(
        session,
        A,
        {"kind": "DPIA", "status": "IN_PROGRESS", "ai_system_id": ai.id, "summary": f"aipd {mark}"},
    )
    side.add("Assessment", assessment.id)
    user = people.create_user(session, A, f"Agent {mark.upper()[1:]}", f"agent@{mark}.fr")
    people.grant_role(session, A, user, Role.STEWARD, domain.id)
    side.user = user.id
    side.steward_token = create_token(
        session, A, f"steward-{mark}", Role.STEWARD, [domain], user=user
    )[1]
    return side


def seed_two_domains(session: Session) -> TwoDomains:
    org = stores.create_organisation(session, A, {"name": "Ville partagée", "country": "FR"})
    policy = ai_register.create_policy(
        session,
        A,
        {"kind": "GOVERNANCE", "framework": "AI_ACT", "control_ref": "Art. 26", "title": "Dép."},
    )
    sides = {mark: _side(session, mark, org.id, policy.id) for mark in MARKS}
    alpha, beta = sides[MARKS[0]], sides[MARKS[1]]
    # an AI system of zalpha using a dataset of zbeta
    ai_register.link_ai_system_dataset(
        session,
        A,
        {
            "ai_system_id": alpha.ids["AISystem"][0],
            "dataset_id": beta.ids["Dataset"][1],
            "usage": "TRAINING",
        },
    )
    admin = create_token(session, A, "admin-wide", Role.ADMIN)[1]
    all_domains = [session.get(domains.Domain, s.domain) for s in sides.values()]
    alpha_domain = all_domains[0]
    assert alpha_domain is not None
    dpo = create_token(session, A, "dpo-alpha", Role.DPO, [alpha_domain])[1]
    both = create_token(session, A, "steward-both", Role.STEWARD, [d for d in all_domains if d])[1]
    return TwoDomains(sides, admin, dpo, both, org.id, policy.id)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(client: Any, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = client.post("/graphql", json=body, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()
