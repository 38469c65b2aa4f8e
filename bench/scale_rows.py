"""The rows of the scale benchmark's catalog (for :mod:`bench.scale_build`, which loads them).

Per 1,000,000 fields: 5,000 data stores over 10 domains, 100,000 datasets (20 per store,
10 fields each), 100,000 findings (one field in ten; a few special categories, most
suggested, some confirmed, a few rejected), 3,000 AI systems using 5 datasets each, 1,000
processing activities, 4,000 assessments, 40 policies with 6,000 links, 60 organisations,
one scan run per store. Everything but the organisations, policies and domains scales with
``fields``. Deterministic: one ``random.Random`` drawn in the order of :func:`tables`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Dataset,
    DataStore,
    Domain,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRun,
    processing_activity_ai_system,
    processing_activity_dataset,
)

FIELDS_PER_DATASET = 10
DATASETS_PER_STORE = 20
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)

CATEGORIES = [
    ("IDENTITY", "PERSON", "nom"),
    ("CONTACT", "EMAIL_ADDRESS", "courriel"),
    ("CONTACT", "FR_PHONE_NUMBER", "telephone"),
    ("NATIONAL_IDENTIFIER", "FR_NIR", "nir"),
    ("FINANCIAL", "IBAN_CODE", "iban"),
    ("ONLINE_IDENTIFIER", "IP_ADDRESS", "adresse_ip"),
    ("SPECIAL_CATEGORY", "HEALTH", "pathologie"),
]
OTHER_COLUMNS = ["id", "date_creation", "statut", "montant", "code", "libelle", "commune"]


@dataclass(frozen=True)
class Sizes:
    fields: int

    @property
    def datasets(self) -> int:
        return max(1, self.fields // FIELDS_PER_DATASET)

    @property
    def stores(self) -> int:
        return max(1, self.datasets // DATASETS_PER_STORE)

    @property
    def systems(self) -> int:
        return max(3, self.fields * 3 // 1000)

    @property
    def activities(self) -> int:
        return max(1, self.systems // 3)


def tables(sizes: Sizes, rng: random.Random) -> list[tuple[Any, Iterator[dict[str, Any]]]]:
    """Each model or table with its rows, in loading order (the rows are drawn lazily, in
    this order, from ``rng``)."""
    return [
        (Organisation, _organisations()),
        (Domain, _domains()),
        (Policy, _policies()),
        (DataStore, _stores(sizes, rng)),
        (ScanRun, _runs(sizes)),
        (Dataset, _datasets(sizes, rng)),
        (Field, _fields(sizes)),
        (Finding, _findings(sizes, rng)),
        (AISystem, _systems(sizes, rng)),
        (AISystemDataset, _uses(sizes, rng)),
        (AISystemPolicy, _policy_links(sizes, rng)),
        (ProcessingActivity, _activities(sizes, rng)),
        (processing_activity_ai_system, _activity_systems(sizes)),
        (processing_activity_dataset, _activity_datasets(sizes, rng)),
        (Assessment, _assessments(sizes, rng)),
    ]


ORGS = 60
HOSTS = range(1, 21)  # 1-20: hosts (17-20 in the US), 21-60: public bodies
POLICIES = 40
#: stores, AI systems and activities go round the domains by id: one holds about a tenth
#: (ids 2-11; 1 is the ``default`` domain migration 0016 creates, left empty)
DOMAINS = 10
#: the first of them, the one ``bench.scale --domain`` measures a steward of
DOMAIN = 2


def _organisations() -> Iterator[dict[str, Any]]:
    for i in range(1, ORGS + 1):
        host = i in HOSTS
        yield {
            "id": i,
            "name": f"{'Hébergeur' if host else 'Direction'} {i}",
            "is_public_body": not host,
            "country": "US" if i >= 17 and host else "FR",
            "qualifications": ["SECNUMCLOUD"] if i <= 8 else [],
            "non_eu_control": 17 <= i <= 20,
            "dpf_certified": i == 17,
            "provides_public_service": not host,
            "headcount": 500,
            # one public body in ten records no DPO contact
            "dpo_contact": None if (not host and i % 10 == 0) else f"dpo{i}@interieur.gouv.fr",
            "created_at": NOW,
        }


def _policies() -> Iterator[dict[str, Any]]:
    frameworks = ["PSSIE", "SECNUMCLOUD", "II_901", "GDPR", "AI_ACT"]
    for i in range(1, POLICIES + 1):
        yield {
            "id": i,
            "kind": "SECURITY" if i % 2 else "GOVERNANCE",
            "framework": frameworks[i % len(frameworks)],
            "control_ref": f"CTRL-{i}",
            "title": f"Contrôle {i}",
            "created_at": NOW,
        }


def _domain(i: int) -> int:
    return (i - 1) % DOMAINS + DOMAIN


def _domains() -> Iterator[dict[str, Any]]:
    for i in range(DOMAIN, DOMAIN + DOMAINS):
        yield {"id": i, "name": f"Direction {i - DOMAIN + 1}", "created_at": NOW}


def _stores(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(1, sizes.stores + 1):
        host = rng.choice(list(HOSTS))
        yield {
            "id": i,
            "name": f"base-{i:05d}",
            "kind": "POSTGRESQL",
            "url": f"postgresql://lecteur@pg{i}.interne/base{i}",
            "hosting_organisation_id": host,
            "hosting_country": "US" if host >= 17 and rng.random() < 0.5 else "FR",
            "domain_id": _domain(i),
            "created_at": NOW,
        }


def _runs(sizes: Sizes) -> Iterator[dict[str, Any]]:
    for i in range(1, sizes.stores + 1):
        started = NOW - dt.timedelta(days=(i % 14), minutes=i % 60)
        yield {
            "id": i,
            "data_store_id": i,
            "trigger": "SCHEDULE",
            "status": "SUCCEEDED",
            "started_at": started,
            "finished_at": started + dt.timedelta(minutes=3),
        }


def _datasets(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    topics = ["agents", "usagers", "dossiers", "paiements", "journaux", "contrats", "aides"]
    for i in range(1, sizes.datasets + 1):
        r = rng.random()
        yield {
            "id": i,
            "data_store_id": (i - 1) // DATASETS_PER_STORE + 1,
            "schema_name": "public",
            "name": f"{topics[i % len(topics)]}_{i}",
            "kind": "TABLE",
            "sensitivity": "RESTRICTED"
            if r < 0.005
            else "CONFIDENTIAL"
            if r < 0.05
            else "INTERNAL",
            "open_data_access": "OPEN" if rng.random() < 0.01 else "NOT_PUBLISHED",
            "tags": [],
            "estimated_rows": rng.randint(10, 2_000_000),
            "created_at": NOW,
        }


def _fields(sizes: Sizes) -> Iterator[dict[str, Any]]:
    for i in range(1, sizes.datasets * FIELDS_PER_DATASET + 1):
        position = (i - 1) % FIELDS_PER_DATASET
        category = CATEGORIES[(i // FIELDS_PER_DATASET) % len(CATEGORIES)]
        # the first column of each dataset is the personal one
        name = (
            category[2]
            if position == 0
            else f"{OTHER_COLUMNS[position % len(OTHER_COLUMNS)]}_{position}"
        )
        yield {
            "id": i,
            "dataset_id": (i - 1) // FIELDS_PER_DATASET + 1,
            "name": name,
            "position": position,
            "data_type": "text",
            "nullable": True,
            "created_at": NOW,
        }


def _findings(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    for dataset in range(1, sizes.datasets + 1):
        field_id = (dataset - 1) * FIELDS_PER_DATASET + 1
        category, entity, _ = CATEGORIES[(field_id // FIELDS_PER_DATASET) % len(CATEGORIES)]
        r = rng.random()
        run = (dataset - 1) // DATASETS_PER_STORE + 1
        yield {
            "id": dataset,
            "field_id": field_id,
            "entity_type": entity,
            "category": category,
            "score": 0.85,
            "coverage": 0.9,
            "distinct_sampled": 400,
            "masked_example": "j***@i*****.gouv.fr",
            "recognizer": "bench",
            "may_be_personal": False,
            "reasons": [],
            "status": "REJECTED" if r < 0.05 else "CONFIRMED" if r < 0.3 else "SUGGESTED",
            "first_seen_run_id": run,
            "last_seen_run_id": run,
            "created_at": NOW - dt.timedelta(days=dataset % 30),
            "updated_at": NOW - dt.timedelta(days=dataset % 30),
        }


def _systems(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(1, sizes.systems + 1):
        high = i % 5 == 0
        yield {
            "id": i,
            "name": f"Système IA {i}",
            "purpose": "Aide à l'instruction",
            "status": "IN_PRODUCTION" if i % 4 else "PILOT",
            "risk_class": "HIGH" if high else "MINIMAL",
            "annex_iii_point": "5(a)" if high else None,
            "owner": None if i % 50 == 0 else f"Bureau {i}",
            "deployer_id": 21 + i % 40,
            "provider_id": rng.choice(list(HOSTS)),
            "hosting_organisation_id": rng.choice(list(HOSTS)),
            "hosting_country": "FR",
            "provider_processes_data": i % 3 == 0,
            "human_oversight_owner": f"Cheffe {i}",
            "log_retention_days": 365,
            "individual_decisions": False,
            # by tens (1-10, 101-110... in the first): a domain's share of high-risk
            # systems is the catalog's (one in five), which round-robin would skew
            "domain_id": _domain((i - 1) // 10 + 1),
            "created_at": NOW,
        }


def _uses(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    n = 0
    usages = ["INPUT", "TRAINING", "RETRIEVAL"]
    for system in range(1, sizes.systems + 1):
        for dataset in sorted(rng.sample(range(1, sizes.datasets + 1), min(5, sizes.datasets))):
            n += 1
            yield {
                "id": n,
                "ai_system_id": system,
                "dataset_id": dataset,
                "usage": usages[n % 3],
                "created_at": NOW,
            }


def _policy_links(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    n = 0
    for system in range(1, sizes.systems + 1):
        for policy in rng.sample(range(1, POLICIES + 1), 2):
            n += 1
            yield {
                "id": n,
                "ai_system_id": system,
                "policy_id": policy,
                "status": "COMPLIANT" if n % 5 else "NON_COMPLIANT",
                "created_at": NOW,
            }


def _activities(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(1, sizes.activities + 1):
        yield {
            "id": i,
            "name": f"Traitement {i}",
            "controller_id": 21 + i % 40,
            "legal_basis": "PUBLIC_TASK",
            "wp248_criteria": ["SENSITIVE_DATA", "VULNERABLE_SUBJECTS"] if i % 7 == 0 else [],
            "domain_id": _domain(i),
            "created_at": NOW,
        }


def _activity_systems(sizes: Sizes) -> Iterator[dict[str, Any]]:
    for system in range(1, sizes.systems + 1):
        yield {
            "processing_activity_id": (system - 1) % sizes.activities + 1,
            "ai_system_id": system,
        }


def _activity_datasets(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    for activity in range(1, sizes.activities + 1):
        for dataset in rng.sample(range(1, sizes.datasets + 1), min(3, sizes.datasets)):
            yield {"processing_activity_id": activity, "dataset_id": dataset}


def _assessments(sizes: Sizes, rng: random.Random) -> Iterator[dict[str, Any]]:
    n = 0
    for system in range(1, sizes.systems + 1):
        for kind in ("SECURITY_HOMOLOGATION", "FRIA"):
            if rng.random() < 0.7:
                n += 1
                yield {
                    "id": n,
                    "kind": kind,
                    "status": "COMPLETED",
                    "ai_system_id": system,
                    "date": dt.date(2026, 1, 1),
                    "created_at": NOW,
                }
