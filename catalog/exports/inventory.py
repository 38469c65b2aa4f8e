"""The public inventory of algorithms that ground individual decisions (CRPA L312-1-3).

One row per AI system with ``individual_decisions``, with the fields of Etalab's
inventory guide. Where each comes from in the catalog:

========================  ==============================================================
``administration``        controller of the Art. 30 entries that list the system
``service``               the system's ``deployer_service``
``contact``               the system's ``owner``, else the DPO contact of those entries
``date_mise_a_jour``      the system's last update (date)
``nom``                   the system's name
``contexte_finalite``     the system's ``purpose``
``fonctionnement``        how it works: technique, use area, human review path
``niveau_automatisation`` decision support or fully automated decision
``base_legale``           Art. 6(1) basis of those Art. 30 entries
``decisions_par_an``      ``decisions_per_year``
``public_concerne``       categories of data subjects of those entries
``donnees_et_sources``    linked datasets with their usage, ``store/schema.table (INPUT)``
``type_algorithme``       rules vs machine learning (``technique``)
``lien_code_source``      not held by the catalog yet: always empty
``lien_publication``      ``public_inventory_url``
========================  ==============================================================

CSV lists are joined with `` | ``; JSON keeps them as arrays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.exports.common import (
    AUTOMATION_LABELS,
    TECHNIQUE_TYPES,
    ExportFile,
    ExportFormat,
    ExportKind,
    activities_of,
    dataset_label,
    dataset_links,
    legal_basis_label,
    require_format,
    table_export,
)
from registre.catalog.models.ai import AISystem

HEADER = (
    "administration",
    "service",
    "contact",
    "date_mise_a_jour",
    "nom",
    "contexte_finalite",
    "fonctionnement",
    "niveau_automatisation",
    "base_legale",
    "decisions_par_an",
    "public_concerne",
    "donnees_et_sources",
    "type_algorithme",
    "lien_code_source",
    "lien_publication",
)


def _unique(values: list[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _how_it_works(system: AISystem) -> str:
    parts = []
    if system.technique is not None:
        parts.append(f"technique : {TECHNIQUE_TYPES[system.technique]}")
    if system.use_area is not None:
        parts.append(f"domaine : {system.use_area.value}")
    if system.human_review_path:
        parts.append(f"recours humain : {system.human_review_path}")
    return " ; ".join(parts)


def inventory_entries(session: Session) -> list[dict[str, Any]]:
    """Every AI system that grounds individual decisions, as an inventory entry."""
    systems = session.scalars(
        select(AISystem).where(AISystem.individual_decisions.is_(True)).order_by(AISystem.name)
    )
    entries = []
    for system in systems:
        activities = activities_of(session, system)
        controllers = _unique([a.controller.name if a.controller else None for a in activities])
        dpo = _unique([a.dpo_contact for a in activities])
        entries.append(
            {
                "administration": controllers,
                "service": system.deployer_service,
                "contact": system.owner or (dpo[0] if dpo else None),
                "date_mise_a_jour": system.updated_at.date().isoformat(),
                "nom": system.name,
                "contexte_finalite": system.purpose,
                "fonctionnement": _how_it_works(system) or None,
                "niveau_automatisation": (
                    AUTOMATION_LABELS[system.automation_level] if system.automation_level else None
                ),
                "base_legale": _unique([legal_basis_label(a.legal_basis) for a in activities]),
                "decisions_par_an": system.decisions_per_year,
                "public_concerne": _unique(
                    [c for a in activities for c in a.data_subject_categories]
                ),
                "donnees_et_sources": [
                    f"{dataset_label(link.dataset)} ({link.usage.value})"
                    for link in dataset_links(session, system)
                ],
                "type_algorithme": TECHNIQUE_TYPES[system.technique] if system.technique else None,
                "lien_code_source": None,
                "lien_publication": system.public_inventory_url,
            }
        )
    return entries


def export_inventory(session: Session, fmt: ExportFormat) -> ExportFile:
    require_format(
        ExportKind.INVENTORY, fmt, (ExportFormat.CSV, ExportFormat.CSV_EXCEL, ExportFormat.JSON)
    )
    return table_export(
        "inventaire-algorithmes", "inventaire", HEADER, inventory_entries(session), fmt
    )
