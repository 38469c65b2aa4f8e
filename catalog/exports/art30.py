"""The GDPR Art. 30(1) record of processing activities, one row per activity.

Columns (French headers, as the record is kept in France) and the Art. 30(1) point each
one answers:

=================================  =====================================================
``traitement``                      name of the processing activity
``date_creation`` / ``date_mise_a_jour``  dates of the entry (CNIL model register)
``responsable_traitement``          (a) controller's name
``responsable_siren`` / ``_pays``   (a) controller's identification (SIREN, country)
``responsables_conjoints``          (a) joint controllers (Art. 26)
``representant``                    (a) the controller's representative (Art. 27)
``contact_dpo``                     (a) DPO contact (the activity's, else the controller's)
``finalites``                       (b) purposes
``sous_finalites``                  (b) sub-purposes (CNIL model register)
``base_legale``                     Art. 6(1) basis, with its letter
``condition_art_9_2``               Art. 9(2) condition for special categories
``condition_art_10``                Art. 10 condition for criminal-offence data
``categories_personnes``            (c) categories of data subjects
``categories_donnees``              (c) categories of personal data, as declared
``categories_donnees_constatees``   (c) categories of CONFIRMED findings on the linked
                                    datasets, e.g. ``NATIONAL_IDENTIFIER (FR_NIR)``
``destinataires``                   (d) recipients: external organisations
``destinataires_internes``          (d) recipients: services of the controller
``sous_traitants``                  (d) processors: the hosts and the providers that
                                    process the data of its AI systems
``transferts_hors_ue``              (e) third-country transfers, ``US (SCC)``
``transferts_destinataires``        (e) who receives each transfer, ``US: Acme Inc.``
``transferts_documentation``        (e) where each safeguard is documented
``duree_conservation``              (f) retention
``conservation_par_categorie``      (f) retention per data category, ``santé: 5 ans``
``mesures_securite``                (g) security measures
``jeux_de_donnees``                 linked datasets, ``store/schema.table``
``systemes_ia``                     linked AI systems
=================================  =====================================================

Lists inside a cell are joined with `` | ``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registre.catalog.exports.common import (
    ExportFile,
    ExportFormat,
    ExportKind,
    confirmed_categories,
    dataset_label,
    legal_basis_label,
    require_format,
    table_export,
    transfer_label,
)
from registre.catalog.models.ai import AISystem, ProcessingActivity
from registre.catalog.models.data import Dataset, Organisation

HEADER = (
    "traitement",
    "date_creation",
    "date_mise_a_jour",
    "responsable_traitement",
    "responsable_siren",
    "responsable_pays",
    "responsables_conjoints",
    "representant",
    "contact_dpo",
    "finalites",
    "sous_finalites",
    "base_legale",
    "condition_art_9_2",
    "condition_art_10",
    "categories_personnes",
    "categories_donnees",
    "categories_donnees_constatees",
    "destinataires",
    "destinataires_internes",
    "sous_traitants",
    "transferts_hors_ue",
    "transferts_destinataires",
    "transferts_documentation",
    "duree_conservation",
    "conservation_par_categorie",
    "mesures_securite",
    "jeux_de_donnees",
    "systemes_ia",
)


def record_entries(session: Session) -> list[dict[str, Any]]:
    """Every processing activity as an Art. 30 entry (lists kept as lists), by name."""
    activities = session.scalars(
        select(ProcessingActivity)
        .options(
            selectinload(ProcessingActivity.controller),
            selectinload(ProcessingActivity.datasets).selectinload(Dataset.data_store),
            selectinload(ProcessingActivity.ai_systems).selectinload(AISystem.provider),
            selectinload(ProcessingActivity.ai_systems).selectinload(AISystem.hosting_organisation),
        )
        .order_by(ProcessingActivity.name)
    )
    entries = []
    for activity in activities:
        controller = activity.controller
        datasets = sorted(activity.datasets, key=dataset_label)
        dpo = activity.dpo_contact or (controller.dpo_contact if controller else None)
        entries.append(
            {
                "traitement": activity.name,
                "date_creation": _day(activity.created_at),
                "date_mise_a_jour": _day(activity.updated_at),
                "responsable_traitement": controller.name if controller else None,
                "responsable_siren": controller.siren if controller else None,
                "responsable_pays": controller.country if controller else None,
                "responsables_conjoints": list(activity.joint_controllers),
                "representant": activity.representative,
                "contact_dpo": dpo,
                "finalites": activity.purposes,
                "sous_finalites": list(activity.sub_purposes),
                "base_legale": legal_basis_label(activity.legal_basis) or None,
                "condition_art_9_2": activity.special_category_condition,
                "condition_art_10": activity.criminal_data_condition,
                "categories_personnes": list(activity.data_subject_categories),
                "categories_donnees": list(activity.data_categories),
                "categories_donnees_constatees": confirmed_categories(
                    session, (d.id for d in datasets)
                ),
                "destinataires": list(activity.recipients),
                "destinataires_internes": list(activity.internal_recipients),
                "sous_traitants": _processors(activity, controller),
                "transferts_hors_ue": [transfer_label(t) for t in activity.transfers],
                "transferts_destinataires": [
                    f"{t.get('country', '?')}: {t['recipient']}"
                    for t in activity.transfers
                    if t.get("recipient")
                ],
                "transferts_documentation": [
                    f"{t.get('country', '?')}: {t['safeguard_document']}"
                    for t in activity.transfers
                    if t.get("safeguard_document")
                ],
                "duree_conservation": activity.retention,
                "conservation_par_categorie": [
                    f"{r['category']}: {r['retention']}" for r in activity.retention_by_category
                ],
                "mesures_securite": activity.security_measures,
                "jeux_de_donnees": [dataset_label(d) for d in datasets],
                "systemes_ia": sorted(s.name for s in activity.ai_systems),
            }
        )
    return entries


def _day(at: dt.datetime | None) -> str | None:
    return at.date().isoformat() if at else None


def _processors(activity: ProcessingActivity, controller: Organisation | None) -> list[str]:
    """Hosts of its AI systems, and providers that process their data (GDPR Art. 28)."""
    found: set[str] = set()
    for system in activity.ai_systems:
        host = system.hosting_organisation
        if host is not None and host != controller:
            found.add(host.name)
        provider = system.provider
        if provider is not None and provider != controller and system.provider_processes_data:
            found.add(provider.name)
    return sorted(found)


def export_art30(session: Session, fmt: ExportFormat) -> ExportFile:
    require_format(
        ExportKind.ART30, fmt, (ExportFormat.CSV, ExportFormat.CSV_EXCEL, ExportFormat.JSON)
    )
    return table_export("registre-art30", "registre_art30", HEADER, record_entries(session), fmt)
