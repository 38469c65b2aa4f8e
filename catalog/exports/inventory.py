"""The public inventory of algorithms that ground individual decisions (CRPA L312-1-3).

One row per AI system with ``individual_decisions`` that is not retired (the inventory
lists the algorithms in use or planned), with the fields of Etalab's inventory guide, in
French only. Where each comes from in the catalog:

========================  ==============================================================
``administration``        the system's deployer, else the controller of the Art. 30
                          entries that list it
``service``               the system's ``deployer_service``
``contact``               the system's ``owner``, else the DPO contact of those entries
``date_mise_a_jour``      the system's last update (date)
``nom``                   the system's name
``contexte_finalite``     the system's ``purpose``
``fonctionnement``        how it works: technique, use area, human review path
``portee_decision``       scope of the decision: individual, with legal effect or not,
                          how many a year
``niveau_automatisation`` decision support or fully automated decision
``base_legale``           Art. 6(1) basis of those Art. 30 entries
``decisions_par_an``      ``decisions_per_year``
``public_concerne``       categories of data subjects of those entries
``donnees_et_sources``    linked datasets with their usage, ``store/schema.table (entrée)``
``type_algorithme``       rules vs machine learning (``technique``)
``mode_collecte``         ``data_collection``: how the data is collected
``operations_realisees``  ``operations``: what the algorithm does with the data
``lien_code_source``      ``source_code_url``
``lien_publication``      ``public_inventory_url``
``ressources_impact``     completed DPIA and FRIA of the system or its Art. 30 entries,
                          with their document references
========================  ==============================================================

CSV lists are joined with `` | ``; JSON keeps them as arrays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    AssessmentStatus,
    DatasetUsage,
    UseArea,
)
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
from registre.catalog.models.ai import AISystem, Assessment

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
    "mode_collecte",
    "operations_realisees",
    "lien_code_source",
    "lien_publication",
    "portee_decision",
    "ressources_impact",
)

USE_AREAS: dict[UseArea, str] = {
    UseArea.PROCUREMENT: "commande publique",
    UseArea.DECISION_SUPPORT: "aide à la décision",
    UseArea.CITIZEN_SERVICE: "service aux usagers",
    UseArea.INTERNAL_PRODUCTIVITY: "productivité interne",
    UseArea.SECURITY: "sécurité",
    UseArea.MOBILITY: "mobilité",
    UseArea.SOCIAL_BENEFITS: "prestations sociales",
    UseArea.HUMAN_RESOURCES: "ressources humaines",
    UseArea.CONTROL_AND_ENFORCEMENT: "contrôle",
    UseArea.OTHER: "autre",
}

USAGES: dict[DatasetUsage, str] = {
    DatasetUsage.TRAINING: "entraînement",
    DatasetUsage.INPUT: "entrée",
    DatasetUsage.OUTPUT: "sortie",
    DatasetUsage.RETRIEVAL: "recherche documentaire",
    DatasetUsage.EVALUATION: "évaluation",
}

ASSESSMENTS: dict[AssessmentKind, str] = {
    AssessmentKind.DPIA: "AIPD (RGPD art. 35)",
    AssessmentKind.FRIA: "analyse d'impact sur les droits fondamentaux (RIA art. 27)",
}


def _unique(values: list[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _how_it_works(system: AISystem) -> str:
    parts = []
    if system.technique is not None:
        parts.append(f"technique : {TECHNIQUE_TYPES[system.technique]}")
    if system.use_area is not None:
        parts.append(f"domaine : {USE_AREAS[system.use_area]}")
    if system.human_review_path:
        parts.append(f"recours humain : {system.human_review_path}")
    return " ; ".join(parts)


def _scope(system: AISystem) -> str:
    scope = "décisions individuelles"
    scope += " produisant des effets juridiques" if system.legal_effect else ""
    if system.decisions_per_year:
        scope += f", environ {system.decisions_per_year} par an"
    return scope


def _impact_resources(session: Session, system: AISystem, activity_ids: list[int]) -> list[str]:
    found = session.scalars(
        select(Assessment)
        .where(
            Assessment.kind.in_(list(ASSESSMENTS)),
            Assessment.status == AssessmentStatus.COMPLETED,
            or_(
                Assessment.ai_system_id == system.id,
                Assessment.processing_activity_id.in_(activity_ids),
            ),
        )
        .order_by(Assessment.kind, Assessment.id)
    )
    return [
        ASSESSMENTS[a.kind]
        + (f" du {a.date.isoformat()}" if a.date else "")
        + (f" : {a.document_ref}" if a.document_ref else "")
        for a in found
    ]


def inventory_entries(session: Session) -> list[dict[str, Any]]:
    """Every AI system in use or planned that grounds individual decisions, as an entry."""
    systems = session.scalars(
        select(AISystem)
        .where(
            AISystem.individual_decisions.is_(True),
            AISystem.status != AISystemStatus.RETIRED,
        )
        .order_by(AISystem.name)
    )
    entries = []
    for system in systems:
        activities = activities_of(session, system)
        controllers = (
            [system.deployer.name]
            if system.deployer
            else _unique([a.controller.name if a.controller else None for a in activities])
        )
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
                    f"{dataset_label(link.dataset)} ({USAGES[link.usage]})"
                    for link in dataset_links(session, system)
                ],
                "type_algorithme": TECHNIQUE_TYPES[system.technique] if system.technique else None,
                "mode_collecte": system.data_collection,
                "operations_realisees": system.operations,
                "lien_code_source": system.source_code_url,
                "lien_publication": system.public_inventory_url,
                "portee_decision": _scope(system),
                "ressources_impact": _impact_resources(session, system, [a.id for a in activities]),
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
