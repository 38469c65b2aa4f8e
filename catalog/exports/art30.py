"""The GDPR Art. 30(1) record of processing activities, one row per activity.

Columns (French headers, as the record is kept in France) and the Art. 30(1) point each
one answers:

=================================  =====================================================
``traitement``                      name of the processing activity
``responsable_traitement``          (a) controller's name
``responsable_siren`` / ``_pays``   (a) controller's identification (SIREN, country)
``contact_dpo``                     (a) DPO contact (the activity's, else the controller's)
``finalites``                       (b) purposes
``base_legale``                     Art. 6(1) basis, with its letter
``condition_art_9_2``               Art. 9(2) condition for special categories
``condition_art_10``                Art. 10 condition for criminal-offence data
``categories_personnes``            (c) categories of data subjects
``categories_donnees``              (c) categories of personal data, as declared
``categories_donnees_constatees``   (c) categories of CONFIRMED findings on the linked
                                    datasets, e.g. ``NATIONAL_IDENTIFIER (FR_NIR)``
``destinataires``                   (d) recipients
``transferts_hors_ue``              (e) third-country transfers, ``US (SCC)``
``duree_conservation``              (f) retention
``mesures_securite``                (g) security measures
``jeux_de_donnees``                 linked datasets, ``store/schema.table``
``systemes_ia``                     linked AI systems
=================================  =====================================================

Lists inside a cell are joined with `` | ``.
"""

from __future__ import annotations

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
from registre.catalog.models.ai import ProcessingActivity
from registre.catalog.models.data import Dataset

HEADER = (
    "traitement",
    "responsable_traitement",
    "responsable_siren",
    "responsable_pays",
    "contact_dpo",
    "finalites",
    "base_legale",
    "condition_art_9_2",
    "condition_art_10",
    "categories_personnes",
    "categories_donnees",
    "categories_donnees_constatees",
    "destinataires",
    "transferts_hors_ue",
    "duree_conservation",
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
            selectinload(ProcessingActivity.ai_systems),
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
                "responsable_traitement": controller.name if controller else None,
                "responsable_siren": controller.siren if controller else None,
                "responsable_pays": controller.country if controller else None,
                "contact_dpo": dpo,
                "finalites": activity.purposes,
                "base_legale": legal_basis_label(activity.legal_basis) or None,
                "condition_art_9_2": activity.special_category_condition,
                "condition_art_10": activity.criminal_data_condition,
                "categories_personnes": list(activity.data_subject_categories),
                "categories_donnees": list(activity.data_categories),
                "categories_donnees_constatees": confirmed_categories(
                    session, (d.id for d in datasets)
                ),
                "destinataires": list(activity.recipients),
                "transferts_hors_ue": [transfer_label(t) for t in activity.transfers],
                "duree_conservation": activity.retention,
                "mesures_securite": activity.security_measures,
                "jeux_de_donnees": [dataset_label(d) for d in datasets],
                "systemes_ia": sorted(s.name for s in activity.ai_systems),
            }
        )
    return entries


def export_art30(session: Session, fmt: ExportFormat) -> ExportFile:
    require_format(
        ExportKind.ART30, fmt, (ExportFormat.CSV, ExportFormat.CSV_EXCEL, ExportFormat.JSON)
    )
    return table_export("registre-art30", "registre_art30", HEADER, record_entries(session), fmt)
