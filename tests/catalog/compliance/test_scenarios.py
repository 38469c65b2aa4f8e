"""Compliance on realistic cases, built through the GraphQL API as a steward would.

Each case is one deployer and its AI system(s): a commune, a ministry, a hospital, a
private insurer and a bank, a Dutch municipality; hosts in the US (with and without the
EU-US Data Privacy Framework), Switzerland, Germany and France; chatbots, Annex III systems
of points 2, 4(a), 5(a), 5(b), 5(c) and 5(d); a planned and a retired system. For each, the
test says which rules fire and which stay silent, and the comment cites the article that
justifies the expectation.

Everything is registered through the API, except what only a scan produces: the findings
that say a column holds personal data are written as the scanner records them.

Issues are computed on the real current date: the AI Act's high-risk obligations apply
from 2 December 2027 (Annex III) and 2 August 2028 (Annex I), Reg. (EU) 2024/1689 Art. 113
as amended by the Digital Omnibus on AI (Reg. (EU) 2026/1744); until then they are
reported as coming (severity INFO, ``appliesFrom``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import FindingStatus
from registre.catalog.models import Field, Finding
from registre.config.settings import Settings
from registre.graphql.app import create_app
from registre.graphql.ids import decode_id

ANNEX_III_DATE = dt.date(2027, 12, 2)
HIGH_RISK_DUE = dt.date.today() >= ANNEX_III_DATE


def high_risk(severity: str) -> str:
    """The severity of an Annex III deployer obligation today: INFO until it applies."""
    return severity if HIGH_RISK_DUE else "INFO"


@dataclass
class Api:
    """A steward's client over a catalog of its own."""

    client: TestClient
    token: str
    engine: Engine
    names: dict[str, str] = field(default_factory=dict)  # our key -> global id

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def _create(self, mutation: str, payload: str, key: str, values: dict[str, Any]) -> str:
        query = (
            f"mutation($input: {mutation[0].upper()}{mutation[1:]}Input!) "
            f"{{ {mutation}(input: $input) {{ {payload} {{ id }} }} }}"
        )
        gid = str(self.data(query, {"input": values})[mutation][payload]["id"])
        self.names[key] = gid
        return gid

    def org(self, key: str, **values: Any) -> str:
        return self._create("createOrganisation", "organisation", key, {"name": key, **values})

    def store(self, key: str, **values: Any) -> str:
        values = {"name": key, "url": f"postgresql://lecteur@db.example.fr/{key}", **values}
        return self._create("registerDataStore", "dataStore", key, values)

    def dataset(self, key: str, store: str, *categories: str, **values: Any) -> str:
        """A dataset; ``categories``: the personal data a scan confirmed in it."""
        values = {"dataStoreId": self.names[store], "name": key, **values}
        gid = self._create("registerDataset", "dataset", key, values)
        if categories:
            dataset_id = decode_id(gid, "Dataset", "dataset")
            with transaction(session_factory(self.engine)) as session:
                for n, category in enumerate(categories):
                    column = Field(dataset_id=dataset_id, name=f"col_{n}", data_type="text")
                    session.add(column)
                    session.flush()
                    session.add(
                        Finding(
                            field_id=column.id,
                            entity_type=category,
                            category=category,
                            score=0.9,
                            coverage=0.9,
                            distinct_sampled=100,
                            recognizer="scan",
                            reasons=["scan"],
                            status=FindingStatus.CONFIRMED,
                        )
                    )
        return gid

    def system(self, key: str, **values: Any) -> str:
        for ref in ("providerId", "hostingOrganisationId", "deployerId"):
            if ref in values:
                values[ref] = self.names[values[ref]]
        return self._create("registerAISystem", "aiSystem", key, {"name": key, **values})

    def use(self, system: str, dataset: str, usage: str = "INPUT") -> None:
        self.data(
            "mutation($i: LinkAISystemDatasetInput!) { linkAISystemDataset(input: $i) "
            "{ link { usage } } }",
            {
                "i": {
                    "aiSystemId": self.names[system],
                    "datasetId": self.names[dataset],
                    "usage": usage,
                }
            },
        )

    def activity(
        self,
        key: str,
        controller: str,
        *,
        systems: tuple[str, ...] = (),
        datasets: tuple[str, ...] = (),
        **values: Any,
    ) -> str:
        values = {"name": key, "controllerId": self.names[controller], **values}
        gid = self._create("createProcessingActivity", "processingActivity", key, values)
        for ref, keys in (("aiSystemId", systems), ("datasetId", datasets)):
            for k in keys:
                self.data(
                    "mutation($i: LinkProcessingActivityInput!) "
                    "{ linkProcessingActivity(input: $i) { processingActivity { id } } }",
                    {"i": {"processingActivityId": gid, ref: self.names[k]}},
                )
        return gid

    def assessment(self, system: str, kind: str, **values: Any) -> None:
        self.data(
            "mutation($i: RecordAssessmentInput!) { recordAssessment(input: $i) "
            "{ assessment { id } } }",
            {
                "i": {
                    "aiSystemId": self.names[system],
                    "kind": kind,
                    "status": "COMPLETED",
                    "date": "2026-01-15",
                    **values,
                }
            },
        )

    def issues(self, key: str, by: str = "aiSystemId") -> dict[str, dict[str, Any]]:
        """The issues about or naming an AI system (or a dataset: ``by="datasetId"``), by
        rule (one per rule in these cases)."""
        data = self.data(
            "query($f: ComplianceIssueFilter) { complianceIssues(filter: $f, first: 100) "
            "{ edges { node { rule severity message unknown appliesFrom legalBasis } } } }",
            {"f": {by: self.names[key]}},
        )
        found: dict[str, dict[str, Any]] = {}
        for edge in data["complianceIssues"]["edges"]:
            found.setdefault(edge["node"]["rule"], edge["node"])
        return found


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder: Path = tmp_path_factory.mktemp("scenarios")
    engine = make_engine(f"sqlite:///{folder / 'catalog.db'}")
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        token = create_token(session, CLI_ACTOR, "steward", "steward")[1]
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'catalog.db'}"), engine=engine)
    api = Api(TestClient(app), token, engine)
    _hosts(api)
    yield api
    engine.dispose()


def _hosts(api: Api) -> None:
    """The hosts and vendors the cases share."""
    api.org("Cloud souverain", country="FR", legalCategory="5710", qualifications=["SECNUMCLOUD"])
    api.org("Hébergeur FR", country="FR", legalCategory="5710")
    api.org("Hyperscaler US", country="US", nonEuControl=True)
    api.org("Hyperscaler US certifié DPF", country="US", nonEuControl=True, dpfCertified=True)
    api.org("Hébergeur suisse", country="CH")
    api.org("Rechenzentrum DE", country="DE")
    api.org("Éditeur US", country="US")


# --- a commune ----------------------------------------------------------------------------
def test_commune_chatbot(api: Api) -> None:
    api.org(
        "Commune de Valbourg",
        country="FR",
        legalCategory="7210",
        isPublicBody=True,
        headcount=400,
        dpoContact="dpo@valbourg.fr",
    )
    api.store("valbourg-crm", hostingOrganisationId=api.names["Hébergeur FR"], hostingCountry="FR")
    api.dataset("demandes_usagers", "valbourg-crm", "IDENTITY", sensitivity="CONFIDENTIAL")
    api.system(
        "Chatbot Valbourg",
        status="IN_PRODUCTION",
        riskClass="LIMITED",
        art50Triggers=["INTERACTS_WITH_PERSONS"],
        owner="DSI",
        deployerId="Commune de Valbourg",
        hostingOrganisationId="Hébergeur FR",
        hostingCountry="FR",
        processorContractRef="DPA 2026-1",
    )
    api.use("Chatbot Valbourg", "demandes_usagers")
    api.activity(
        "Relation usagers Valbourg",
        "Commune de Valbourg",
        systems=("Chatbot Valbourg",),
        datasets=("demandes_usagers",),
    )
    issues = api.issues("Chatbot Valbourg") | api.issues("demandes_usagers", by="datasetId")
    # AI Act Art. 50(1), applicable since 2 August 2026 (Art. 113): a chatbot must say it is one
    assert issues["AIACT-50-TRANSPARENCY"]["severity"] == "MEDIUM"
    # RGS art. 5 (décret 2010-112) binds every French administrative authority, communes included
    assert issues["PSSIE-HOMOLOGATION"]["severity"] == "HIGH"
    # Loi SREN art. 31 names the State and its operators, not a commune: confidential data on
    # a host without SecNumCloud does not make it fire
    assert "SREN-31-HOSTING" not in issues
    # a limited-risk system: no FRIA (AI Act Art. 27) nor EU registration (Art. 49(3))
    assert "AIACT-27-FRIA" not in issues and "AIACT-49-REGISTRATION" not in issues
    # the host is in France: no Chapter V transfer (GDPR Art. 44)
    assert "GDPR-44-TRANSFER" not in issues


CLASSIFY = """
mutation($input: ClassifyAISystemInput!) {
  classifyAISystem(input: $input) { riskClass stored aiSystem { art50Triggers } }
}"""


def test_chatbot_classified_through_the_questionnaire(api: Api) -> None:
    """A chatbot classified through classifyAISystem keeps its Art. 50 triggers."""
    api.system(
        "Assistant démarches Valbourg",
        status="IN_PRODUCTION",
        owner="DSI",
        deployerId="Commune de Valbourg",
        hostingOrganisationId="Cloud souverain",
        hostingCountry="FR",
    )
    # AI Act Art. 6: before classification, nothing tells the transparency rule it is a chatbot
    assert "AIACT-50-TRANSPARENCY" not in api.issues("Assistant démarches Valbourg")
    answers = {
        "aiSystemId": api.names["Assistant démarches Valbourg"],
        "art50Triggers": ["INTERACTS_WITH_PERSONS", "GENERATES_CONTENT"],
    }
    result = api.data(CLASSIFY, {"input": answers})["classifyAISystem"]
    assert result["riskClass"] == "LIMITED" and result["stored"]
    assert result["aiSystem"]["art50Triggers"] == ["INTERACTS_WITH_PERSONS", "GENERATES_CONTENT"]
    # AI Act Art. 50(1) and (2): the stored triggers are what the transparency rule reads
    issue = api.issues("Assistant démarches Valbourg")["AIACT-50-TRANSPARENCY"]
    assert "INTERACTS_WITH_PERSONS, GENERATES_CONTENT" in issue["message"]


def test_commune_planned_high_risk_system(api: Api) -> None:
    api.system(
        "Attribution logements Valbourg (projet)",
        status="PLANNED",
        riskClass="HIGH",
        annexIIIPoint="5(a)",
        deployerId="Commune de Valbourg",
        owner="DGS",
    )
    issues = api.issues("Attribution logements Valbourg (projet)")
    # AI Act Art. 27(1) and 26: obligations of use, "prior to deploying"; a planned system is
    # not yet put into service, so neither FRIA nor oversight nor registration is missing yet
    for rule in ("AIACT-27-FRIA", "AIACT-26.2-OVERSIGHT", "AIACT-49-REGISTRATION"):
        assert rule not in issues
    # PSSIE / RGS art. 5: homologation before going into production, not before
    assert "PSSIE-HOMOLOGATION" not in issues


def test_commune_retired_chatbot(api: Api) -> None:
    api.system(
        "Ancien chatbot Valbourg",
        status="RETIRED",
        riskClass="LIMITED",
        art50Triggers=["INTERACTS_WITH_PERSONS"],
        deployerId="Commune de Valbourg",
    )
    issues = api.issues("Ancien chatbot Valbourg")
    # AI Act Art. 50(1) applies to systems that interact with people: a retired one does not;
    # ISO/IEC 42001 A.3.2 asks an owner for systems in the inventory's active scope
    assert issues == {}


def test_commune_water_network_annex_iii_point_2(api: Api) -> None:
    api.system(
        "Pilotage réseau d'eau Valbourg",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="2",
        deployerId="Commune de Valbourg",
        owner="Régie des eaux",
        logRetentionDays=365,
    )
    api.assessment("Pilotage réseau d'eau Valbourg", "SECURITY_HOMOLOGATION")
    issues = api.issues("Pilotage réseau d'eau Valbourg")
    # AI Act Art. 27(1): no FRIA for Annex III point 2 (critical infrastructure), and
    # Art. 49(3)/(4): point 2 systems are registered nationally, not by the deployer
    assert "AIACT-27-FRIA" not in issues and "AIACT-49-REGISTRATION" not in issues
    # Art. 26(2): human oversight by named people, from the Annex III date (Art. 113(c))
    oversight = issues["AIACT-26.2-OVERSIGHT"]
    assert oversight["severity"] == high_risk("HIGH") and oversight["appliesFrom"] == "2027-12-02"


# --- a ministry ---------------------------------------------------------------------------
def test_ministry_sensitive_data_on_a_cloud_without_secnumcloud(api: Api) -> None:
    api.org(
        "Ministère – administration centrale",
        country="FR",
        legalCategory="7120",
        isPublicBody=True,
        headcount=5000,
        dpoContact="dpd@ministere.gouv.fr",
    )
    api.store("ministere-rh", hostingOrganisationId=api.names["Hébergeur FR"], hostingCountry="FR")
    api.dataset("dossiers_agents", "ministere-rh", "IDENTITY", sensitivity="CONFIDENTIAL")
    api.system(
        "Tri des courriers RH",
        status="PILOT",
        riskClass="MINIMAL",
        owner="DRH",
        deployerId="Ministère – administration centrale",
        hostingOrganisationId="Cloud souverain",
        hostingCountry="FR",
        processorContractRef="Marché 2026-12",
    )
    api.use("Tri des courriers RH", "dossiers_agents")
    api.activity(
        "Gestion RH ministère",
        "Ministère – administration centrale",
        systems=("Tri des courriers RH",),
        datasets=("dossiers_agents",),
    )
    issues = api.issues("Tri des courriers RH") | api.issues("dossiers_agents", by="datasetId")
    # Loi SREN art. 31: sensitive data of the State on a cloud without SecNumCloud
    assert issues["SREN-31-HOSTING"]["severity"] == "HIGH"
    assert "without SecNumCloud" in issues["SREN-31-HOSTING"]["message"]
    # GDPR Art. 44: France is in the EU, no transfer
    assert "GDPR-44-TRANSFER" not in issues


def test_ministry_data_in_germany(api: Api) -> None:
    api.store(
        "ministere-archives",
        hostingOrganisationId=api.names["Rechenzentrum DE"],
        hostingCountry="DE",
    )
    api.dataset(
        "archives_contentieux", "ministere-archives", "IDENTITY", sensitivity="CONFIDENTIAL"
    )
    api.system(
        "Recherche contentieux",
        status="PILOT",
        riskClass="MINIMAL",
        owner="DAJ",
        deployerId="Ministère – administration centrale",
        hostingOrganisationId="Cloud souverain",
        hostingCountry="FR",
        processorContractRef="Marché 2026-13",
    )
    api.use("Recherche contentieux", "archives_contentieux")
    api.activity(
        "Contentieux ministère",
        "Ministère – administration centrale",
        systems=("Recherche contentieux",),
        datasets=("archives_contentieux",),
    )
    issues = api.issues("Recherche contentieux") | api.issues(
        "archives_contentieux", by="datasetId"
    )
    # Loi SREN art. 31: State data of particular sensitivity is kept in France (or by a
    # SecNumCloud host): Germany is outside France
    assert "outside France" in issues["SREN-31-HOSTING"]["message"]
    # GDPR Art. 44: Germany is in the EU, so no Chapter V transfer
    assert "GDPR-44-TRANSFER" not in issues


# --- a hospital ---------------------------------------------------------------------------
def test_hospital_emergency_triage(api: Api) -> None:
    api.org(
        "Centre hospitalier de Valbourg",
        country="FR",
        legalCategory="7364",
        isPublicBody=True,
        headcount=2500,
        dpoContact="dpo@ch-valbourg.fr",
    )
    api.store(
        "ch-urgences", hostingOrganisationId=api.names["Cloud souverain"], hostingCountry="FR"
    )
    api.dataset(
        "passages_urgences",
        "ch-urgences",
        "IDENTITY",
        "SPECIAL_CATEGORY",
        sensitivity="CONFIDENTIAL",
    )
    api.system(
        "Tri des urgences",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="5(d)",
        deployerId="Centre hospitalier de Valbourg",
        owner="Direction des soins",
        humanOversightOwner="Médecin régulateur",
        logRetentionDays=400,
        euDatabaseRegistration="EU-DB-CH-1",
        hostingOrganisationId="Cloud souverain",
        hostingCountry="FR",
        processorContractRef="DPA CH-1",
    )
    api.use("Tri des urgences", "passages_urgences")
    api.activity(
        "Urgences",
        "Centre hospitalier de Valbourg",
        systems=("Tri des urgences",),
        datasets=("passages_urgences",),
        legalBasis="PUBLIC_TASK",
        specialCategoryCondition="Art. 9(2)(h)",
    )
    api.assessment("Tri des urgences", "SECURITY_HOMOLOGATION")
    issues = api.issues("Tri des urgences")
    # AI Act Art. 27(1): a body governed by public law using an Annex III 5(d) system, no FRIA;
    # applicable from 2 December 2027 (Art. 113(c) as amended by Reg. (EU) 2026/1744)
    fria = issues["AIACT-27-FRIA"]
    assert fria["severity"] == high_risk("HIGH") and fria["appliesFrom"] == "2027-12-02"
    # GDPR Art. 9 and 35(3)(b): health data processed by AI without a DPIA
    assert issues["GDPR-9-DPIA"]["severity"] == "HIGH"
    # Loi SREN art. 31 names the State: a hospital (local public establishment, 7364) is not
    assert "SREN-31-HOSTING" not in issues
    # Art. 26(6): 400 days of logs are more than six months; Art. 49(3): registered
    assert "AIACT-26.6-LOGS" not in issues and "AIACT-49-REGISTRATION" not in issues


def test_hospital_logs_kept_180_days(api: Api) -> None:
    api.system(
        "Planification des blocs",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="4(b)",
        deployerId="Centre hospitalier de Valbourg",
        owner="Direction des soins",
        humanOversightOwner="Cadre de bloc",
        logRetentionDays=180,
    )
    issues = api.issues("Planification des blocs")
    # AI Act Art. 26(6): logs kept "for a period of at least six months": 180 days is less
    assert "180 days" in issues["AIACT-26.6-LOGS"]["message"]
    api.data(
        "mutation($i: UpdateAISystemInput!) { updateAISystem(input: $i) { aiSystem { id } } }",
        {"i": {"id": api.names["Planification des blocs"], "logRetentionDays": 183}},
    )
    assert "AIACT-26.6-LOGS" not in api.issues("Planification des blocs")


# --- private deployers --------------------------------------------------------------------
def test_private_insurer_life_and_health_pricing(api: Api) -> None:
    api.org(
        "Mutuelle Assurances SA",
        country="FR",
        legalCategory="5599",
        headcount=900,
        dpoContact="dpo@mutuelle.fr",
    )
    api.system(
        "Tarification santé",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="5(c)",
        deployerId="Mutuelle Assurances SA",
        owner="Actuariat",
        humanOversightOwner="Actuaire en chef",
        logRetentionDays=365,
        individualDecisions=True,
        automationLevel="DECISION_SUPPORT",
    )
    issues = api.issues("Tarification santé")
    # AI Act Art. 27(1): deployers of Annex III 5(c) systems carry out a FRIA whoever they are
    assert issues["AIACT-27-FRIA"]["severity"] == high_risk("HIGH")
    # Art. 26(8), 49(3): registration of the use binds public authorities only
    assert "AIACT-49-REGISTRATION" not in issues
    # CRPA L300-2, L311-3-1, L312-1-3 and RGS art. 5 bind administrations, not an insurer
    for rule in ("CRPA-L312-INVENTORY", "CRPA-L311-NOTICE", "PSSIE-HOMOLOGATION"):
        assert rule not in issues


def test_private_bank_credit_scoring(api: Api) -> None:
    api.org("Banque du Val SAS", country="FR", legalCategory="5710")
    api.system(
        "Score de crédit",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="5(b)",
        deployerId="Banque du Val SAS",
        owner="Risques",
        humanOversightOwner="Analyste",
        logRetentionDays=365,
    )
    # AI Act Art. 27(1): Annex III 5(b) (creditworthiness): a FRIA whoever the deployer is
    assert "AIACT-27-FRIA" in api.issues("Score de crédit")


def test_private_recruiter(api: Api) -> None:
    api.org("Cabinet Recrutement SARL", country="FR", legalCategory="5499")
    api.system(
        "Présélection de CV",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="4(a)",
        deployerId="Cabinet Recrutement SARL",
        owner="Direction",
        humanOversightOwner="Recruteuse",
        logRetentionDays=365,
    )
    # AI Act Art. 27(1): a private company that provides no public service and whose system
    # is not a 5(b)/5(c) one needs no FRIA
    assert "AIACT-27-FRIA" not in api.issues("Présélection de CV")


def test_private_body_providing_a_public_service(api: Api) -> None:
    api.org(
        "Transports du Val (délégataire)",
        country="FR",
        legalCategory="5710",
        providesPublicService=True,
    )
    api.system(
        "Tarification solidaire transports",
        status="IN_PRODUCTION",
        riskClass="HIGH",
        annexIIIPoint="5(a)",
        deployerId="Transports du Val (délégataire)",
        owner="Direction commerciale",
        humanOversightOwner="Agent",
        logRetentionDays=365,
    )
    issues = api.issues("Tarification solidaire transports")
    # AI Act Art. 27(1): private bodies providing public services carry out a FRIA
    assert "AIACT-27-FRIA" in issues
    # Art. 49(3) binds public authorities, which a delegate is not
    assert "AIACT-49-REGISTRATION" not in issues


# --- a Dutch municipality -----------------------------------------------------------------
def test_dutch_municipality(api: Api) -> None:
    api.org("Gemeente Utrecht", country="NL", isPublicBody=True)
    api.system(
        "Bijstand toeslagen",
        status="IN_PRODUCTION",
        riskClass="MINIMAL",
        deployerId="Gemeente Utrecht",
        owner="Sociaal domein",
        individualDecisions=True,
        automationLevel="DECISION_SUPPORT",
    )
    issues = api.issues("Bijstand toeslagen")
    # PSSIE / RGS, CRPA L311-3-1 and L312-1-3, Loi SREN, II 901 are French law: never on NL
    for rule in (
        "PSSIE-HOMOLOGATION",
        "CRPA-L312-INVENTORY",
        "CRPA-L311-NOTICE",
        "SREN-31-HOSTING",
        "II901-DR",
    ):
        assert rule not in issues
    # GDPR Art. 37(1)(a): every public authority designates a DPO, in the Netherlands too
    dpo = api.data(
        '{ complianceIssues(filter: {rule: "GDPR-37-DPO"}, first: 50) '
        "{ edges { node { subjectName } } } }"
    )
    assert "Gemeente Utrecht" in [
        e["node"]["subjectName"] for e in dpo["complianceIssues"]["edges"]
    ]


# --- hosts outside France -----------------------------------------------------------------
def _hosted(api: Api, key: str, host: str, country: str, **values: Any) -> dict[str, Any]:
    """A commune's AI system using personal data, hosted by ``host``."""
    store = f"store {key}"
    api.store(store, hostingOrganisationId=api.names["Cloud souverain"], hostingCountry="FR")
    api.dataset(f"usagers {key}", store, "IDENTITY", sensitivity="INTERNAL")
    api.system(
        key,
        status="IN_PRODUCTION",
        riskClass="MINIMAL",
        owner="DSI",
        deployerId="Commune de Valbourg",
        hostingOrganisationId=host,
        hostingCountry=country,
        **values,
    )
    api.use(key, f"usagers {key}")
    api.activity(
        f"activité {key}", "Commune de Valbourg", systems=(key,), datasets=(f"usagers {key}",)
    )
    return api.issues(key)


def test_us_host_without_dpf(api: Api) -> None:
    issues = _hosted(api, "Traduction US", "Hyperscaler US", "US", processorContractRef="DPA")
    # GDPR Art. 44-46: the US recipient is not certified under the Data Privacy Framework,
    # so the adequacy decision 2023/1795 does not cover it and no Art. 46 safeguard is recorded
    assert "in US" in issues["GDPR-44-TRANSFER"]["message"]


def test_us_host_certified_under_the_dpf(api: Api) -> None:
    issues = _hosted(
        api, "Traduction US DPF", "Hyperscaler US certifié DPF", "US", processorContractRef="DPA"
    )
    # GDPR Art. 45 and Implementing Decision (EU) 2023/1795: a certified recipient is adequate
    assert "GDPR-44-TRANSFER" not in issues


def test_swiss_host(api: Api) -> None:
    issues = _hosted(api, "Archivage CH", "Hébergeur suisse", "CH", processorContractRef="DPA")
    # GDPR Art. 45 and Commission Decision 2000/518/EC: Switzerland is adequate
    assert "GDPR-44-TRANSFER" not in issues
    # but a host is a processor all the same (GDPR Art. 28): the contract is recorded here
    assert "GDPR-28-PROCESSOR" not in issues


def test_german_host_without_processor_contract(api: Api) -> None:
    issues = _hosted(api, "Analyse DE", "Rechenzentrum DE", "DE")
    # GDPR Art. 44: Germany is in the EU, no transfer...
    assert "GDPR-44-TRANSFER" not in issues
    # ... but GDPR Art. 28(3): a host processes the data on the controller's behalf
    assert "Rechenzentrum DE" in issues["GDPR-28-PROCESSOR"]["message"]


def test_us_vendor_that_never_sees_the_data(api: Api) -> None:
    issues = _hosted(
        api,
        "Logiciel sur site",
        "Cloud souverain",
        "FR",
        providerId="Éditeur US",
        providerProcessesData=False,
        processorContractRef="DPA Cloud souverain",
    )
    # GDPR Art. 4(8), 28 and 44: a vendor that neither hosts nor processes the data is
    # neither a processor nor a recipient of a transfer
    assert "GDPR-44-TRANSFER" not in issues and "GDPR-28-PROCESSOR" not in issues


def test_us_vendor_whose_access_is_not_recorded(api: Api) -> None:
    issues = _hosted(api, "Logiciel SaaS", "Commune de Valbourg", "FR", providerId="Éditeur US")
    # GDPR Art. 28: whether the vendor processes the data decides; not recorded, so unknown
    processor = issues["GDPR-28-PROCESSOR"]
    assert processor["unknown"] and processor["message"].startswith("unknown: ")
    # GDPR Art. 44: not known to receive none, the vendor in the US counts as a recipient
    assert "provider in US" in issues["GDPR-44-TRANSFER"]["message"]


# --- CRPA L311-3-1 on a French administration ---------------------------------------------
def test_commune_individual_decisions_without_the_mention(api: Api) -> None:
    api.system(
        "Calcul quotient familial",
        status="IN_PRODUCTION",
        riskClass="MINIMAL",
        owner="Direction éducation",
        deployerId="Commune de Valbourg",
        individualDecisions=True,
        automationLevel="DECISION_SUPPORT",
        individualDecisionNotice=False,
        publicInventoryUrl="https://valbourg.fr/algos",
    )
    issues = api.issues("Calcul quotient familial")
    # CRPA L311-3-1: a decision taken on the basis of an algorithm carries an explicit mention
    assert issues["CRPA-L311-NOTICE"]["severity"] == "MEDIUM"
    # CRPA L312-1-3: the algorithm is in the published inventory
    assert "CRPA-L312-INVENTORY" not in issues


def test_legal_category_decides_a_state_only_rule(api: Api) -> None:
    """A French public body without legal category leaves SREN art. 31 open until
    updateOrganisation records it."""
    api.org("Établissement public X", country="FR", isPublicBody=True, dpoContact="dpo@x.fr")
    api.store("x-dossiers", hostingOrganisationId=api.names["Hébergeur FR"], hostingCountry="FR")
    api.dataset("x_dossiers", "x-dossiers", sensitivity="CONFIDENTIAL")
    api.activity("Dossiers X", "Établissement public X", datasets=("x_dossiers",))
    # Loi SREN art. 31 names the State and its operators: which public body is it?
    issue = api.issues("x_dossiers", by="datasetId")["SREN-31-HOSTING"]
    assert (
        issue["unknown"]
        and "legal category (INSEE) of 'Établissement public X'" in issue["message"]
    )
    update = (
        "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) "
        "{ organisation { legalCategory } } }"
    )
    # 7389: établissement public national à caractère administratif, a State operator
    api.data(update, {"i": {"id": api.names["Établissement public X"], "legalCategory": "7389"}})
    issue = api.issues("x_dossiers", by="datasetId")["SREN-31-HOSTING"]
    assert not issue["unknown"] and issue["severity"] == "HIGH"
    # 7361: centre communal d'action sociale, a local body: out of the law's scope
    api.data(update, {"i": {"id": api.names["Établissement public X"], "legalCategory": "7361"}})
    assert "SREN-31-HOSTING" not in api.issues("x_dossiers", by="datasetId")
