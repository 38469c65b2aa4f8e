"""Every mutation against every role: allowed roles change the register and leave an audit
event; the others get FORBIDDEN and nothing changes. Evidence is hidden from roles
without the read_evidence right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql_relay import to_global_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR, ROLE_PERMISSIONS, Permission
from registre.catalog.data import stores
from registre.catalog.enums import Role
from registre.catalog.governance import register as ai_register
from registre.catalog.models import ApiToken, AuditEvent, Base, Field, Finding
from registre.graphql.mutations import MUTATIONS
from tests.support.api import Api


@dataclass(frozen=True)
class Seeded:
    organisation: str
    store: str
    dataset: str
    field: str
    finding: str
    ai: str
    policy: str
    activity: str


def seed(session: Session) -> Seeded:
    a = CLI_ACTOR
    org = stores.create_organisation(session, a, {"name": "Ville de Valbourg", "country": "FR"})
    store = stores.register_data_store(session, a, {"name": "rh", "url": "sqlite:///rh.db"})
    dataset = stores.register_dataset(session, a, {"data_store_id": store.id, "name": "agents"})
    field = Field(dataset_id=dataset.id, name="nir", position=0, data_type="TEXT")
    session.add(field)
    session.flush()
    finding = Finding(
        field_id=field.id,
        entity_type="FR_NIR",
        category="identifier",
        score=0.99,
        coverage=0.97,
        distinct_sampled=120,
        masked_example="1 85 ** ** *** *** 36",
        reasons=["NIR checksum valid on 97% of distinct values", "column name 'nir'"],
        recognizer="FrNirRecognizer",
    )
    session.add(finding)
    ai = ai_register.register_ai_system(session, a, {"name": "Tri du courrier"})
    policy = ai_register.create_policy(
        session,
        a,
        {
            "kind": "GOVERNANCE",
            "framework": "AI_ACT",
            "control_ref": "Art. 26",
            "title": "Deployers",
        },
    )
    activity = ai_register.create_processing_activity(session, a, {"name": "Gestion RH"})
    ai_register.link_ai_system_dataset(
        session, a, {"ai_system_id": ai.id, "dataset_id": dataset.id, "usage": "INPUT"}
    )
    session.flush()
    return Seeded(
        organisation=to_global_id("Organisation", org.id),
        store=to_global_id("DataStore", store.id),
        dataset=to_global_id("Dataset", dataset.id),
        field=to_global_id("Field", field.id),
        finding=to_global_id("Finding", finding.id),
        ai=to_global_id("AISystem", ai.id),
        policy=to_global_id("Policy", policy.id),
        activity=to_global_id("ProcessingActivity", activity.id),
    )


@pytest.fixture
def api_seed() -> Callable[[Session], Seeded]:
    return seed


@dataclass(frozen=True)
class Case:
    permission: Permission
    action: str  # of the audit event it writes
    input: Callable[[Seeded], dict[str, Any]]


CASES: dict[str, Case] = {
    "createOrganisation": Case(
        Permission.REGISTER,
        "create_organisation",
        lambda s: {"name": "Numérique Cloud", "country": "FR"},
    ),
    "updateOrganisation": Case(
        Permission.REGISTER,
        "update_organisation",
        lambda s: {"id": s.organisation, "legalCategory": "7210"},
    ),
    "registerDataStore": Case(
        Permission.REGISTER,
        "register_data_store",
        lambda s: {
            "name": "voirie",
            "url": "postgresql://reader@db/voirie",
        },
    ),
    "updateDataStore": Case(
        Permission.REGISTER, "update_data_store", lambda s: {"id": s.store, "owner": "DRH"}
    ),
    "registerDataset": Case(
        Permission.REGISTER,
        "register_dataset",
        lambda s: {"dataStoreId": s.store, "name": "absences"},
    ),
    "updateDataset": Case(
        Permission.REGISTER,
        "update_dataset",
        lambda s: {"id": s.dataset, "sensitivity": "CONFIDENTIAL"},
    ),
    "registerAISystem": Case(
        Permission.REGISTER,
        "register_ai_system",
        lambda s: {"name": "Assistant RH", "riskClass": "LIMITED"},
    ),
    "updateAISystem": Case(
        Permission.REGISTER, "update_ai_system", lambda s: {"id": s.ai, "status": "PILOT"}
    ),
    "linkAISystemDataset": Case(
        Permission.REGISTER,
        "link_ai_system_dataset",
        lambda s: {"aiSystemId": s.ai, "datasetId": s.dataset, "usage": "TRAINING"},
    ),
    "unlinkAISystemDataset": Case(
        Permission.REGISTER,
        "unlink_ai_system_dataset",
        lambda s: {"aiSystemId": s.ai, "datasetId": s.dataset, "usage": "INPUT"},
    ),
    "createPolicy": Case(
        Permission.REGISTER,
        "create_policy",
        lambda s: {
            "kind": "SECURITY",
            "framework": "PSSIE",
            "controlRef": "HEB-1",
            "title": "Hébergement",
        },
    ),
    "linkAISystemPolicy": Case(
        Permission.REGISTER,
        "link_ai_system_policy",
        lambda s: {
            "aiSystemId": s.ai,
            "policyId": s.policy,
            "status": "COMPLIANT",
            "reviewDate": "2026-06-30",
        },
    ),
    "createProcessingActivity": Case(
        Permission.REGISTER,
        "create_processing_activity",
        lambda s: {
            "name": "Paie",
            "legalBasis": "LEGAL_OBLIGATION",
            "controllerId": s.organisation,
        },
    ),
    "updateProcessingActivity": Case(
        Permission.REGISTER,
        "update_processing_activity",
        lambda s: {"id": s.activity, "purposes": "Paie des agents", "dataCategories": ["NIR"]},
    ),
    "linkProcessingActivity": Case(
        Permission.REGISTER,
        "link_processing_activity",
        lambda s: {"processingActivityId": s.activity, "datasetId": s.dataset, "aiSystemId": s.ai},
    ),
    "recordAssessment": Case(
        Permission.REGISTER,
        "record_assessment",
        lambda s: {
            "kind": "DPIA",
            "status": "IN_PROGRESS",
            "aiSystemId": s.ai,
            "date": "2026-01-15",
        },
    ),
    "reviewFinding": Case(
        Permission.REVIEW,
        "review_finding",
        lambda s: {"findingId": s.finding, "decision": "CONFIRMED"},
    ),
    "correctDatasetSubject": Case(
        Permission.REVIEW,
        "correct_subject",
        lambda s: {"datasetId": s.dataset, "subject": "PLACES"},
    ),
    "scanDataStore": Case(Permission.RECORD_SCAN, "start_scan", lambda s: {"id": s.store}),
    "recordPublicationGround": Case(
        Permission.PUBLICATION_GROUND,
        "record_publication_ground",
        lambda s: {
            "datasetId": s.dataset,
            "ground": "ANONYMISED",
            "detail": "k-anonymat (k=10) sur les quasi-identifiants, NIR supprimé",
            "date": "2026-11-02",
        },
    ),
}


def test_every_mutation_has_a_case() -> None:
    # A new mutation must come with its authorization case here.
    assert set(CASES) == set(MUTATIONS)


def _document(name: str) -> str:
    if name == "scanDataStore":  # takes the store's id, not an input object
        return "mutation M($id: ID!) { scanDataStore(id: $id) { __typename } }"
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


def _variables(name: str, seeded: Seeded) -> dict[str, Any]:
    data = CASES[name].input(seeded)
    return data if name == "scanDataStore" else {"input": data}


def _dump(api: Api) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the register (token use times aside: every request updates them)."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with api.factory() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if not (table.name == "api_token" and c.name == "last_used_at")
            ]
            rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            dump[table.name] = [tuple(row) for row in rows]
    return dump


def _token_id(api: Api, role: Role) -> int:
    with api.factory() as session:
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == role.value))
    assert token_id is not None
    return token_id


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize("name", sorted(CASES))
def test_mutation_is_authorized_by_role(api: Api, name: str, role: Role) -> None:
    case = CASES[name]
    allowed = case.permission in ROLE_PERMISSIONS[role]
    before = _dump(api)

    body = api.gql(_document(name), _variables(name, api.payload), role=role)

    after = _dump(api)
    new_events = [row for row in after["audit_event"] if row not in before["audit_event"]]
    if allowed:
        assert "errors" not in body, body
        assert body["data"][name] is not None
        assert len(new_events) == 1, new_events
        with api.factory() as session:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor, event.token_id) == (
            case.action,
            f"token:{role.value}",
            _token_id(api, role),
        )
        changed = [
            t for t in after if t not in ("audit_event", "api_token") and after[t] != before[t]
        ]
        assert changed, "an allowed mutation changed nothing"
        if name == "scanDataStore":
            assert api.scans.submitted == [event.entity_id]
    else:
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN", error
        assert role.value in error["message"]
        assert body["data"] == {name: None}
        assert after == before
        assert api.scans.submitted == []


def test_the_permission_table_is_what_the_cases_assume() -> None:
    # The cases above derive allowed roles from ROLE_PERMISSIONS; pin the intent too, so
    # that a change of the table is a visible decision, not an accident.
    may_register = {r for r in Role if Permission.REGISTER in ROLE_PERMISSIONS[r]}
    may_review = {r for r in Role if Permission.REVIEW in ROLE_PERMISSIONS[r]}
    may_scan = {r for r in Role if Permission.RECORD_SCAN in ROLE_PERMISSIONS[r]}
    may_clear = {r for r in Role if Permission.PUBLICATION_GROUND in ROLE_PERMISSIONS[r]}
    assert may_review == {Role.ADMIN, Role.STEWARD}
    # the DPO describes processing and clears publication, but reviews no finding
    assert may_register == {Role.ADMIN, Role.STEWARD, Role.DPO}
    assert may_clear == {Role.ADMIN, Role.DPO}
    assert may_scan == {Role.ADMIN, Role.STEWARD, Role.SCANNER}


EVIDENCE = """
query Evidence($finding: ID!) {
  datasets { edges { node { fields {
    findings { entityType status maskedExample reasons recognizer }
  } } } }
  node(id: $finding) { ... on Finding { entityType maskedExample reasons } }
}
"""


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_evidence_needs_the_read_evidence_right(api: Api, role: Role) -> None:
    data = api.data(EVIDENCE, {"finding": api.payload.finding}, role=role)
    (finding,) = data["datasets"]["edges"][0]["node"]["fields"][0]["findings"]
    by_node = data["node"]
    # every role sees that there is a finding, and what kind
    assert (finding["entityType"], finding["status"], by_node["entityType"]) == (
        "FR_NIR",
        "SUGGESTED",
        "FR_NIR",
    )
    if Permission.READ_EVIDENCE in ROLE_PERMISSIONS[role]:
        assert finding["maskedExample"] == by_node["maskedExample"] == "1 85 ** ** *** *** 36"
        assert (
            finding["reasons"]
            == by_node["reasons"]
            == ["NIR checksum valid on 97% of distinct values", "column name 'nir'"]
        )
    else:
        assert finding["maskedExample"] is None and by_node["maskedExample"] is None
        assert finding["reasons"] is None and by_node["reasons"] is None


def test_auditor_hidden_and_security_shown() -> None:
    # The two roles the security model names explicitly.
    assert Permission.READ_EVIDENCE not in ROLE_PERMISSIONS[Role.AUDITOR]
    assert Permission.READ_EVIDENCE in ROLE_PERMISSIONS[Role.SECURITY]


# Mutations outside ``MUTATIONS`` (other domains' mixins), each with its own test below.
OTHER_MUTATIONS = {
    "classifyAISystem",
    # tests/graphql/test_domains.py
    "createDomain",
    "createUser",
    "grantRole",
    "revokeRole",
}


def test_every_mutation_of_the_schema_has_a_case() -> None:
    from registre.graphql.schema import schema

    mutation_type = schema.graphql_schema.mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields) == set(CASES) | OTHER_MUTATIONS


CLASSIFY = """mutation C($input: ClassifyAISystemInput!) {
  classifyAISystem(input: $input) { riskClass stored aiSystem { riskClass } }
}"""


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_classification_is_stored_only_with_the_register_right(api: Api, role: Role) -> None:
    # Anyone may ask for a proposal; only the register right stores it (audited).
    before = _dump(api)
    answers = {"aiSystemId": api.payload.ai, "annexIIIPoint": "5(a)", "profiling": True}
    result = api.data(CLASSIFY, {"input": answers}, role=role)["classifyAISystem"]
    assert result["riskClass"] == "HIGH"
    after = _dump(api)
    new_events = [row for row in after["audit_event"] if row not in before["audit_event"]]
    if Permission.REGISTER in ROLE_PERMISSIONS[role]:
        assert result["stored"] is True and result["aiSystem"] == {"riskClass": "HIGH"}
        assert len(new_events) == 1
        with api.factory() as session:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and (event.action, event.actor) == (
            "update_ai_system",
            f"token:{role.value}",
        )
    else:
        assert result["stored"] is False and result["aiSystem"] == {"riskClass": None}
        assert after == before


STORE = (
    "mutation($i: RegisterDataStoreInput!) { registerDataStore(input: $i) { dataStore { id } } }"
)


@pytest.mark.parametrize(
    "store",
    [
        {
            "name": "paie",
            "url": "postgresql://reader@db/paie",
            "secretRef": "env:REGISTRE_SECRET_P",
        },
        {"name": "local", "url": "sqlite:///srv/registre/registre.db"},
        {"name": "share", "url": "file:///etc"},
    ],
    ids=["secret reference", "sqlite on the server", "folder on the server"],
)
def test_what_reaches_the_servers_own_secrets_and_disk_is_for_admins(
    api: Api, store: dict[str, str]
) -> None:
    """A steward could otherwise send a server secret to a host of theirs, or scan the
    server's own files: both are refused to everyone but admins."""
    refused = api.gql(STORE, {"i": store}, role=Role.STEWARD)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    allowed = api.gql(STORE, {"i": store}, role=Role.ADMIN)
    assert "errors" not in allowed, allowed
