"""A small register for the publication tests: a city's store with a clean dataset of
traffic counts and a register of benefit recipients holding a NIR column (its finding
confirmed), recorded as a scan would record them. No value is ever stored: only the
masked example the scanner keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus
from registre.catalog.models import Field, Finding, ScanRun

PUBLICATION = {
    "title": "Comptages routiers de Valbourg",
    "description": "Nombre de véhicules par capteur et par heure.",
    "licence": "LICENCE_OUVERTE_2_0",
    "publisher": "Ville de Valbourg",
    "contact_point": "opendata@valbourg.fr",
    "themes": ["TRAN", "REGI"],
    "update_frequency": "DAILY",
    "temporal_start": dt.date(2024, 1, 1),
    "spatial": "https://www.geonames.org/3031582",
    "keywords": ["mobilité", "trafic"],
    "distributions": [
        {
            "title": "Export CSV",
            "download_url": "https://data.valbourg.fr/trafic.csv",
            "format": "CSV",
        }
    ],
}


@dataclass(frozen=True)
class Publication:
    store: int
    clean: int  # capteurs_trafic: no personal data
    nir: int  # beneficiaires: a confirmed NIR finding on 'nir'
    nir_finding: int


def add_field(
    session: Session,
    dataset_id: int,
    name: str,
    data_type: str = "TEXT",
    description: str | None = None,
) -> Field:
    field = Field(dataset_id=dataset_id, name=name, data_type=data_type, description=description)
    session.add(field)
    session.flush()
    return field


def add_finding(
    session: Session,
    field: Field,
    entity_type: str,
    *,
    status: FindingStatus = FindingStatus.SUGGESTED,
    run_id: int | None = None,
    masked: str | None = None,
    category: str = "IDENTIFIER",
) -> Finding:
    finding = Finding(
        field_id=field.id,
        entity_type=entity_type,
        category=category,
        score=0.95,
        coverage=0.9,
        distinct_sampled=200,
        masked_example=masked,
        status=status,
        first_seen_run_id=run_id,
        last_seen_run_id=run_id,
    )
    session.add(finding)
    session.flush()
    return finding


def scan_run(session: Session, store_id: int) -> ScanRun:
    run = ScanRun(data_store_id=store_id, status="SUCCEEDED")
    session.add(run)
    session.flush()
    return run


def seed_publication(session: Session, **extra: Any) -> Publication:
    a = CLI_ACTOR
    store = stores.register_data_store(
        session, a, {"name": "si-valbourg", "url": "postgresql://lecteur@db/valbourg"}
    )
    clean = stores.register_dataset(
        session,
        a,
        {"data_store_id": store.id, "name": "capteurs_trafic", **PUBLICATION},
    )
    add_field(session, clean.id, "capteur", "TEXT", "Identifiant du capteur")
    add_field(session, clean.id, "horodatage", "TIMESTAMP", "Début de l'heure comptée")
    add_field(session, clean.id, "vehicules", "INTEGER", "Véhicules comptés dans l'heure")
    nir = stores.register_dataset(
        session,
        a,
        {
            "data_store_id": store.id,
            "name": "beneficiaires",
            "description": "Bénéficiaires des aides facultatives",
        },
    )
    run = scan_run(session, store.id)
    nir_field = add_field(session, nir.id, "nir", "TEXT", "Numéro de sécurité sociale")
    add_field(session, nir.id, "commune", "TEXT", "Commune de résidence")
    finding = add_finding(
        session,
        nir_field,
        "FR_NIR",
        status=FindingStatus.CONFIRMED,
        run_id=run.id,
        masked="1 85 ** ** *** *** 36",
    )
    return Publication(store.id, clean.id, nir.id, finding.id)
