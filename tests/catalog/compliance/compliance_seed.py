"""A compliant register for the compliance-rule tests, and what each test changes in it.

``build_baseline`` registers (through ``catalog.stores`` and ``catalog.ai_register``) a
city running a high-risk AI system (Annex III 5(a), social benefits) that meets every
rule: FRIA, DPIA and homologation completed, EU database registration, named oversight,
logs kept a year, public inventory entry, Art. 28 contract, SecNumCloud host in France.
Each rule test breaks one fact and expects that rule to fire; the baseline keeps every
rule quiet. Fields and findings are inserted with the ORM, as a scan would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus, ScanStatus
from registre.catalog.governance import register as ai_register
from registre.catalog.models import Field, Finding, ScanRun

TODAY = dt.date(2026, 11, 28)


def seed_baseline(session: Session) -> dict[str, dict[str, int]]:
    """Seed of a catalog template: the baseline register; its ids by name are the payload."""
    reg = build_baseline(session)
    return {name: dict(getattr(reg, name)) for name in ID_MAPS}


ID_MAPS = ("orgs", "stores", "datasets", "fields", "systems", "activities", "assessments")


@dataclass
class Register:
    """Builds a register with the catalog services; remembers ids by name."""

    session: Session
    orgs: dict[str, int] = field(default_factory=dict)
    stores: dict[str, int] = field(default_factory=dict)
    datasets: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    systems: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)
    assessments: dict[str, int] = field(default_factory=dict)
    _run: int | None = None

    def org(self, name: str, **values: Any) -> int:
        org = stores.create_organisation(self.session, CLI_ACTOR, {"name": name, **values})
        self.session.flush()
        self.orgs[name] = org.id
        return org.id

    def store(self, name: str, **values: Any) -> int:
        data = {"name": name, "url": f"postgresql://db.example.fr/{name}", **values}
        store = stores.register_data_store(self.session, CLI_ACTOR, data)
        self.session.flush()
        self.stores[name] = store.id
        return store.id

    def dataset(self, store: str, name: str, **values: Any) -> int:
        data = {"data_store_id": self.stores[store], "name": name, **values}
        ds = stores.register_dataset(self.session, CLI_ACTOR, data)
        self.session.flush()
        self.datasets[name] = ds.id
        return ds.id

    def finding(
        self,
        dataset: str,
        column: str,
        category: str = "IDENTITY",
        status: FindingStatus = FindingStatus.CONFIRMED,
        *,
        entity_type: str | None = None,
        gone: bool = False,
        masked: str | None = None,
    ) -> int:
        key = f"{dataset}.{column}"
        if key not in self.fields:
            fld = Field(dataset_id=self.datasets[dataset], name=column, data_type="text")
            self.session.add(fld)
            self.session.flush()
            self.fields[key] = fld.id
        finding = Finding(
            field_id=self.fields[key],
            entity_type=entity_type or category,
            category=category,
            score=0.9,
            coverage=0.8,
            distinct_sampled=100,
            masked_example=masked,
            recognizer="test",
            reasons=["test"],
            status=status,
            gone_since_run_id=self.scan_run(dataset) if gone else None,
        )
        self.session.add(finding)
        self.session.flush()
        return finding.id

    def scan_run(self, dataset: str) -> int:
        if self._run is None:
            store_id = next(iter(self.stores.values()))
            run = ScanRun(data_store_id=store_id, status=ScanStatus.SUCCEEDED)
            self.session.add(run)
            self.session.flush()
            self._run = run.id
        return self._run

    def system(self, name: str, **values: Any) -> int:
        system = ai_register.register_ai_system(self.session, CLI_ACTOR, {"name": name, **values})
        self.session.flush()
        self.systems[name] = system.id
        return system.id

    def use(self, system: str, dataset: str, usage: str = "INPUT") -> None:
        data = {
            "ai_system_id": self.systems[system],
            "dataset_id": self.datasets[dataset],
            "usage": usage,
        }
        ai_register.link_ai_system_dataset(self.session, CLI_ACTOR, data)
        self.session.flush()

    def activity(
        self,
        name: str,
        *,
        datasets: tuple[str, ...] = (),
        systems: tuple[str, ...] = (),
        **values: Any,
    ) -> int:
        pa = ai_register.create_processing_activity(
            self.session, CLI_ACTOR, {"name": name, **values}
        )
        self.session.flush()
        self.activities[name] = pa.id
        for ds in datasets:
            ai_register.link_processing_activity(
                self.session, CLI_ACTOR,
                {"processing_activity_id": pa.id, "dataset_id": self.datasets[ds]},
            )  # fmt: skip
        for system in systems:
            ai_register.link_processing_activity(
                self.session, CLI_ACTOR,
                {"processing_activity_id": pa.id, "ai_system_id": self.systems[system]},
            )  # fmt: skip
        self.session.flush()
        return pa.id

    def assessment(
        self,
        key: str,
        kind: str,
        status: str = "COMPLETED",
        *,
        system: str | None = None,
        activity: str | None = None,
        date: dt.date | None = None,
    ) -> int:
        data: dict[str, Any] = {"kind": kind, "status": status, "date": date}
        if system:
            data["ai_system_id"] = self.systems[system]
        if activity:
            data["processing_activity_id"] = self.activities[activity]
        assessment = ai_register.record_assessment(self.session, CLI_ACTOR, data)
        self.session.flush()
        self.assessments[key] = assessment.id
        return assessment.id

    def policy_link(self, system: str, framework: str, control: str, status: str) -> None:
        policy = ai_register.create_policy(
            self.session, CLI_ACTOR,
            {"kind": "SECURITY", "framework": framework, "control_ref": control, "title": control},
        )  # fmt: skip
        self.session.flush()
        ai_register.link_ai_system_policy(
            self.session, CLI_ACTOR,
            {"ai_system_id": self.systems[system], "policy_id": policy.id, "status": status},
        )  # fmt: skip
        self.session.flush()


SYSTEM = "Aide sociale IA"
DATASET = "beneficiaires"
ACTIVITY = "Instruction des aides"
CITY = "Ville de Valbourg"
CLOUD = "Cloud souverain"


def build_baseline(session: Session) -> Register:
    """A register in which every rule is quiet."""
    reg = Register(session)
    reg.org(CITY, is_public_body=True, country="FR", headcount=800, dpo_contact="dpo@valbourg.fr")
    reg.org(CLOUD, country="FR", qualifications=["SECNUMCLOUD"])
    reg.store("aides", hosting_organisation_id=reg.orgs[CLOUD], hosting_country="FR")
    reg.dataset("aides", DATASET, schema_name="public", sensitivity="CONFIDENTIAL")
    reg.finding(DATASET, "nom", "IDENTITY", masked="D*****")
    reg.finding(DATASET, "pathologie", "SPECIAL_CATEGORY")
    reg.system(
        SYSTEM,
        purpose="Pré-instruction des demandes d'aide sociale",
        status="IN_PRODUCTION",
        owner="Direction des solidarités",
        risk_class="HIGH",
        annex_iii_point="5(a)",
        provider_id=reg.orgs[CLOUD],
        hosting_organisation_id=reg.orgs[CLOUD],
        hosting_country="FR",
        processor_contract_ref="Contrat DPA 2026-014",
        human_oversight_owner="Cheffe du service instruction",
        log_retention_days=365,
        eu_database_registration="EU-DB-0001",
        public_inventory_url="https://valbourg.fr/algorithmes",
        individual_decisions=True,
        legal_effect=True,
        automation_level="DECISION_SUPPORT",
        human_review_path="Recours auprès d'un agent instructeur",
        art_50_triggers=["INTERACTS_WITH_PERSONS"],
        transparency_notice="Vous échangez avec un assistant automatisé.",
        go_live_date=dt.date(2026, 3, 1),
    )
    reg.use(SYSTEM, DATASET)
    reg.activity(
        ACTIVITY,
        datasets=(DATASET,),
        systems=(SYSTEM,),
        controller_id=reg.orgs[CITY],
        legal_basis="PUBLIC_TASK",
        special_category_condition="Art. 9(2)(g)",
        wp248_criteria=["SENSITIVE_DATA", "VULNERABLE_SUBJECTS"],
    )
    reg.assessment("dpia", "DPIA", activity=ACTIVITY, date=dt.date(2026, 1, 10))
    reg.assessment("fria", "FRIA", system=SYSTEM, date=dt.date(2026, 2, 1))
    reg.assessment(
        "homologation", "SECURITY_HOMOLOGATION", system=SYSTEM, date=dt.date(2026, 2, 20)
    )
    return reg
