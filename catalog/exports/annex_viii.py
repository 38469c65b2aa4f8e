"""AI Act Annex VIII Section C: what a public deployer submits to register its use of a
high-risk AI system in the EU database (Art. 49(3), Art. 26(8)).

Section C asks for five items; each is filled from the catalog as follows:

1. ``deployer`` — name, address and contact: the system's deployer, else the controller
   of the Art. 30 entries that list the system, with their DPO contact (else the
   controller's);
2. ``submitter`` — the person submitting on the deployer's behalf: the system's ``owner``
   (address and contact: the deployer's; the catalog holds no personal address);
3. ``provider_eu_database_entry`` — the provider and the URL of the provider's entry
   (``provider_eu_database_url``; ``eu_database_registration`` is the deployer's own
   registration of its use, Art. 49(3), which this Section C is);
4. ``fria_summary`` — the latest FRIA (Art. 27) recorded on the system;
5. ``dpia_summary`` — the latest DPIA on the system, else on its Art. 30 entries.

Anything the catalog cannot supply is listed under ``missing`` rather than invented.

Which systems and items (AI Act Art. 49(4) and (5)):

* Annex III point 2 (critical infrastructure) is registered at national level (Art.
  49(5)): not exported;
* points 1, 6 and 7 (biometrics, law enforcement, migration) go to a secure non-public
  section and carry Section C points 1 to 3 only (Art. 49(4)(c)): no FRIA or DPIA summary;
* the FRIA summary comes from a COMPLETED FRIA only (a draft is no finding of Art. 27).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.enums import AssessmentKind, AssessmentStatus, RiskClass
from registre.catalog.errors import InvalidInput
from registre.catalog.exports.common import (
    ExportFile,
    ExportFormat,
    ExportKind,
    activities_of,
    json_file,
    latest_assessment,
    require_format,
)
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem, Assessment
from registre.catalog.models.data import Organisation

SCHEMA = "registre/ai-act-annex-viii-section-c/1"
#: Annex III points whose registration is restricted to Section C points 1-3 (Art. 49(4))
RESTRICTED_POINTS = frozenset({"1", "6", "7"})


def _assessment(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "status": assessment.status.value,
        "date": assessment.date.isoformat() if assessment.date else None,
        "summary": assessment.summary,
        "document_ref": assessment.document_ref,
    }


def annex_viii_c(session: Session, system: AISystem, today: dt.date) -> dict[str, Any]:
    """Section C data for ``system``; raises InvalidInput unless it is high-risk."""
    if system.risk_class is not RiskClass.HIGH:
        current = (
            Text.in_context("risk class", system.risk_class.value)
            if system.risk_class
            else Text("not classified")
        )
        raise InvalidInput(
            Text(
                "Annex VIII Section C registers high-risk AI systems only; '{name}' is {current}",
                name=system.name,
                current=current,
            ),
            field="aiSystemId",
        )
    point = (system.annex_iii_point or "").split("(")[0]
    if point == "2":
        raise InvalidInput(
            Text(
                "'{name}' is an Annex III point 2 system (critical infrastructure): it is "
                "registered at national level, not in the EU database (AI Act Art. 49(5))",
                name=system.name,
            ),
            field="aiSystemId",
        )
    restricted = point in RESTRICTED_POINTS
    activities = activities_of(session, system)
    controllers = [a.controller for a in activities if a.controller is not None]
    deployer = system.deployer or (controllers[0] if controllers else None)
    deployer_contact = next((a.dpo_contact for a in activities if a.dpo_contact), None) or (
        deployer.dpo_contact if deployer else None
    )
    fria = latest_assessment(
        session, AssessmentKind.FRIA, ai_system_id=system.id, status=AssessmentStatus.COMPLETED
    )
    dpia = latest_assessment(
        session,
        AssessmentKind.DPIA,
        ai_system_id=system.id,
        processing_activity_ids=[a.id for a in activities],
    )
    if restricted:
        fria = dpia = None  # Art. 49(4)(c): Section C points 1 to 3 only
    missing = _missing(system, deployer, deployer_contact, fria, dpia, restricted=restricted)
    section_c: dict[str, Any] = {
        "deployer": {
            "name": deployer.name if deployer else None,
            "siren": deployer.siren if deployer else None,
            "address": deployer.address if deployer else None,
            "contact": deployer_contact,
        },
        "submitter": {
            "name": system.owner,
            "address": deployer.address if deployer else None,
            "contact": deployer_contact,
        },
        "provider_eu_database_entry": {
            "provider": system.provider.name if system.provider else None,
            "reference": system.provider_eu_database_url,
        },
    }
    if not restricted:
        section_c["fria_summary"] = _assessment(fria)
        section_c["dpia_summary"] = _assessment(dpia)
    return {
        "schema": SCHEMA,
        "generated_on": today.isoformat(),
        "ai_system": {
            "name": system.name,
            "annex_iii_point": system.annex_iii_point,
            "status": system.status.value,
        },
        "section_c": section_c,
        # Art. 49(4): points 1, 6, 7 are registered in a secure non-public section
        "non_public_section": restricted,
        "missing": missing,
    }


def _missing(
    system: AISystem,
    deployer: Organisation | None,
    deployer_contact: str | None,
    fria: Assessment | None,
    dpia: Assessment | None,
    *,
    restricted: bool = False,
) -> list[str]:
    """What Section C needs and the register does not say, item by item."""
    missing: list[str] = []
    if deployer is None:
        missing.append(
            "deployer.name: record the system's deployer, or link it to an Art. 30 entry "
            "with a controller"
        )
    if deployer is not None and not deployer.address:
        missing.append("deployer.address: the deployer's postal address is not recorded")
    if deployer_contact is None:
        missing.append("deployer.contact: no DPO contact on the controller or its entries")
    if not system.owner:
        missing.append("submitter.name: the system has no owner")
    if not system.provider_eu_database_url:
        missing.append(
            "provider_eu_database_entry.reference: the provider's EU database entry is not "
            "recorded (providerEuDatabaseUrl)"
        )
    if restricted:
        return missing  # Art. 49(4)(c): no FRIA nor DPIA summary for points 1, 6, 7
    if fria is None:
        missing.append("fria_summary: no completed FRIA (AI Act Art. 27) on the system")
    elif not fria.summary:
        missing.append("fria_summary.summary: the FRIA has no summary")
    if dpia is None:
        missing.append("dpia_summary: no DPIA (GDPR Art. 35) on the system or its activities")
    elif not dpia.summary:
        missing.append("dpia_summary.summary: the DPIA has no summary")
    return missing


def export_annex_viii(
    session: Session, system: AISystem, fmt: ExportFormat, today: dt.date
) -> ExportFile:
    require_format(ExportKind.ANNEX_VIII, fmt, (ExportFormat.JSON,))
    data = annex_viii_c(session, system, today)
    return json_file(f"annexe-viii-c-{system.id}", data)
