"""Exports a DPO hands over, as pure functions over the catalog.

* ``ART30`` — the GDPR Art. 30(1) record (CSV, Excel-friendly CSV or JSON), see
  :mod:`.export_art30`;
* ``INVENTORY`` — the public inventory of algorithms used for individual decisions
  (CRPA L312-1-3, Etalab fields; CSV or JSON), see :mod:`.export_inventory`;
* ``ANNEX_VIII`` — AI Act Annex VIII Section C for one high-risk AI system (JSON), see
  :mod:`.export_annex_viii`;
* ``PIA`` — a DPIA pre-filled for the CNIL PIA tool (JSON), see :mod:`.export_pia`.

Every role may export (``READ``): exports hold the register, never finding evidence.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import Actor, Permission
from registre.catalog.errors import InvalidInput, NotFound
from registre.catalog.exports.annex_viii import export_annex_viii
from registre.catalog.exports.art30 import export_art30
from registre.catalog.exports.common import ExportFile, ExportFormat, ExportKind
from registre.catalog.exports.inventory import export_inventory
from registre.catalog.exports.pia import export_pia
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem, ProcessingActivity
from registre.catalog.models.base import utcnow
from registre.catalog.service import get

__all__ = [
    "DEFAULT_FORMATS",
    "ExportFile",
    "ExportFormat",
    "ExportKind",
    "build_export",
    "find_ai_system",
    "find_processing_activity",
]

DEFAULT_FORMATS: dict[ExportKind, ExportFormat] = {
    ExportKind.ART30: ExportFormat.CSV,
    ExportKind.INVENTORY: ExportFormat.CSV,
    ExportKind.ANNEX_VIII: ExportFormat.JSON,
    ExportKind.PIA: ExportFormat.JSON,
}


def build_export(
    session: Session,
    actor: Actor,
    kind: ExportKind,
    fmt: ExportFormat | None = None,
    *,
    ai_system_id: int | None = None,
    processing_activity_id: int | None = None,
    now: dt.datetime | None = None,
) -> ExportFile:
    """Produce one export; ``fmt`` defaults to the kind's usual format.

    ``ANNEX_VIII`` needs ``ai_system_id``; ``PIA`` needs ``processing_activity_id``.
    """
    actor.require(Permission.READ)
    fmt = fmt or DEFAULT_FORMATS[kind]
    now = now or utcnow()
    if kind is ExportKind.ART30:
        return export_art30(session, fmt)
    if kind is ExportKind.INVENTORY:
        return export_inventory(session, fmt)
    if kind is ExportKind.ANNEX_VIII:
        if ai_system_id is None:
            raise InvalidInput(
                Text("the ANNEX_VIII export is about one AI system: give aiSystemId"),
                field="aiSystemId",
            )
        system = get(session, AISystem, ai_system_id, field="aiSystemId")
        return export_annex_viii(session, system, fmt, now.date())
    if processing_activity_id is None:
        raise InvalidInput(
            Text("the PIA export is about one processing activity: give processingActivityId"),
            field="processingActivityId",
        )
    activity = get(
        session, ProcessingActivity, processing_activity_id, field="processingActivityId"
    )
    return export_pia(session, activity, fmt, now)


def find_ai_system(session: Session, name: str) -> AISystem:
    """An AI system by its exact name (the CLI names things)."""
    system = session.scalar(select(AISystem).where(AISystem.name == name))
    if system is None:
        raise NotFound(Text("no AI system named '{name}'", name=name), field="aiSystem")
    return system


def find_processing_activity(session: Session, name: str) -> ProcessingActivity:
    activity = session.scalar(select(ProcessingActivity).where(ProcessingActivity.name == name))
    if activity is None:
        raise NotFound(
            Text("no processing activity named '{name}'", name=name), field="processingActivity"
        )
    return activity
