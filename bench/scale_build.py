"""Build a catalog of a large ministry's size with bulk inserts (for :mod:`bench.scale`).

Per 1,000,000 fields: 5,000 data stores, 100,000 datasets (20 per store, 10 fields each),
100,000 findings (one field in ten; a few special categories, most suggested, some
confirmed, a few rejected), 3,000 AI systems using 5 datasets each, 1,000 processing
activities, 4,000 assessments, 40 policies with 6,000 links, 60 organisations, one scan run
per store. Everything scales with ``fields``. Deterministic (``random.Random(seed)``).

Rows go in with explicit ids through SQLAlchemy Core ``executemany`` (PostgreSQL: COPY),
then the stored compliance issues are computed by one full refresh (timed: what
``registre compliance refresh`` costs at that size).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, insert, text

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.compliance.store import refresh
from registre.catalog.db import session_factory, transaction
from registre.catalog.enums import Role
from registre.catalog.exposure.kept import rebuild as rebuild_exposure
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Dataset,
    DataStore,
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
CHUNK = 20_000
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


@dataclass
class Built:
    sizes: Sizes
    token: str
    seconds: float
    refresh_seconds: float
    issues: int


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    """PostgreSQL COPY (text format) of ``rows`` into ``table``."""
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            buffer = io.StringIO()
            for n, row in enumerate(_prepend(first, rows)):
                buffer.write("\t".join(_pg_text(row[c]) for c in columns) + "\n")
                if n % CHUNK == CHUNK - 1:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()


def _prepend(first: dict[str, Any], rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rows


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    elif isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _complete(table: Table, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows with every column: the models' Python-side defaults filled in (COPY applies none)."""
    for row in rows:
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise ValueError(f"{table.name} has no column {sorted(unknown)}")
        for column in table.columns:
            if column.name in row or column.default is None:
                continue
            default: Any = column.default
            row[column.name] = default.arg(None) if default.is_callable else default.arg
        yield row


def _load(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    rows = _complete(table, rows)
    if engine.dialect.name == "postgresql":
        _copy(engine, table, rows)
        return
    with engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)


def build(engine: Engine, fields: int, seed: int = 12, log: Callable[[str], None] = print) -> Built:
    """Migrate ``engine``'s empty database and fill it to ``fields`` fields."""
    started = time.perf_counter()
    sizes = Sizes(fields)
    rng = random.Random(seed)
    migrate.upgrade(engine)
    tables: list[tuple[Any, Iterator[dict[str, Any]]]] = [
        (Organisation, _organisations()),
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
    for model, rows in tables:
        table = model if isinstance(model, Table) else model.__table__
        t0 = time.perf_counter()
        _load(engine, table, rows)
        log(f"  {table.name}: {time.perf_counter() - t0:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for model, _ in tables:
                if not isinstance(model, Table):
                    name = model.__tablename__
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )
    factory = session_factory(engine)
    t0 = time.perf_counter()
    with transaction(factory) as session:
        outcome = refresh(session)
        t1 = time.perf_counter()
        # the exposure kept per finding and per dataset: what the same command rebuilds
        rebuild_exposure(session)
    refresh_seconds = time.perf_counter() - t0
    log(
        f"  compliance refresh: {refresh_seconds:.1f} s, {outcome.opened} issues "
        f"(of which the exposure rebuild {time.perf_counter() - t1:.1f} s)"
    )
    with transaction(factory) as session:
        token = create_token(session, CLI_ACTOR, "bench", Role.ADMIN)[1]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return Built(sizes, token, time.perf_counter() - started, refresh_seconds, outcome.opened)


# --- rows -----------------------------------------------------------------------------
ORGS = 60
HOSTS = range(1, 21)  # 1-20: hosts (17-20 in the US), 21-60: public bodies
POLICIES = 40


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
