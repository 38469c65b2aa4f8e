"""What every export shares: the file it produces, CSV writing, labels, catalog look-ups.

Exports read the catalog and never write to it. They carry no finding evidence (masked
examples, reasons): only entity types and categories of CONFIRMED findings, which every
role may read.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from registre.catalog.enums import (
    AssessmentKind,
    AssessmentStatus,
    AutomationLevel,
    FindingStatus,
    LegalBasis,
    Technique,
)
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem, AISystemDataset, Assessment, ProcessingActivity
from registre.catalog.models.data import Dataset, Field, Finding

#: separator between the items of a list inside one CSV cell
LIST_SEPARATOR = " | "
UTF8_BOM = "\ufeff"


class ExportKind(enum.StrEnum):
    ART30 = "ART30"  # GDPR Art. 30(1) record of processing activities
    INVENTORY = "INVENTORY"  # public inventory of algorithms (CRPA L312-1-3, Etalab fields)
    ANNEX_VIII = "ANNEX_VIII"  # AI Act Annex VIII Section C, a deployer's registration
    PIA = "PIA"  # a DPIA pre-filled for the CNIL PIA tool


class ExportFormat(enum.StrEnum):
    CSV = "CSV"  # UTF-8, comma separated, no BOM
    CSV_EXCEL = "CSV_EXCEL"  # UTF-8 with BOM, semicolon separated: Excel with French locale
    JSON = "JSON"


@dataclass(frozen=True)
class ExportFile:
    """An export ready to be written or sent: a name, a media type and the text."""

    filename: str
    media_type: str
    content: str


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a name such as ``=HYPERLINK(...)`` (typed by a
    user or imported from another register) must never run as a formula (OWASP CSV
    injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: ExportFormat) -> str:
    """RFC 4180 CSV (CRLF line ends, every cell quoted); BOM and ';' for CSV_EXCEL."""
    buffer = io.StringIO()
    delimiter = ";" if fmt is ExportFormat.CSV_EXCEL else ","
    # Every cell quoted: a spreadsheet that splits on the other separator (Excel in French
    # splits .csv on ';') still sees "a;=cmd" as one text cell.
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    text = buffer.getvalue()
    return UTF8_BOM + text if fmt is ExportFormat.CSV_EXCEL else text


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def csv_file(
    stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: ExportFormat
) -> ExportFile:
    return ExportFile(f"{stem}.csv", "text/csv; charset=utf-8", csv_text(header, rows, fmt))


def json_file(stem: str, data: Any) -> ExportFile:
    return ExportFile(f"{stem}.json", "application/json", json_text(data))


def joined(items: Iterable[str | None]) -> str:
    return LIST_SEPARATOR.join(item for item in items if item)


def require_format(kind: ExportKind, fmt: ExportFormat, allowed: Sequence[ExportFormat]) -> None:
    if fmt not in allowed:
        raise InvalidInput(
            Text(
                "the {kind} export exists as {formats}, not {format}",
                kind=kind.value,
                formats=[f.value for f in allowed],
                format=fmt.value,
            ),
            field="format",
        )


LEGAL_BASIS_LABELS: dict[LegalBasis, str] = {
    LegalBasis.CONSENT: "Art. 6(1)(a) consentement",
    LegalBasis.CONTRACT: "Art. 6(1)(b) exécution d'un contrat",
    LegalBasis.LEGAL_OBLIGATION: "Art. 6(1)(c) obligation légale",
    LegalBasis.VITAL_INTERESTS: "Art. 6(1)(d) intérêts vitaux",
    LegalBasis.PUBLIC_TASK: "Art. 6(1)(e) mission d'intérêt public",
    LegalBasis.LEGITIMATE_INTERESTS: "Art. 6(1)(f) intérêts légitimes",
}

AUTOMATION_LABELS: dict[AutomationLevel, str] = {
    AutomationLevel.DECISION_SUPPORT: "aide à la décision",
    AutomationLevel.FULLY_AUTOMATED: "décision entièrement automatisée",
    AutomationLevel.NO_DECISION: "pas de décision",
}

#: the Etalab inventory asks whether the algorithm applies explicit rules or learns
TECHNIQUE_TYPES: dict[Technique, str] = {
    Technique.RULES: "règles explicites",
    Technique.MACHINE_LEARNING: "apprentissage automatique",
    Technique.GENERATIVE_AI: "apprentissage automatique (IA générative)",
    Technique.HYBRID: "mixte (règles et apprentissage)",
}


def legal_basis_label(basis: LegalBasis | None) -> str:
    return LEGAL_BASIS_LABELS[basis] if basis is not None else ""


def dataset_label(dataset: Dataset) -> str:
    """``store/schema.table``: unique in the catalog and readable."""
    return f"{dataset.data_store.name}/{dataset.qualified_name}"


def transfer_label(transfer: dict[str, Any]) -> str:
    mechanism = transfer.get("mechanism") or "aucune garantie enregistrée"
    return f"{transfer.get('country', '?')} ({mechanism})"


def confirmed_categories(session: Session, dataset_ids: Iterable[int]) -> list[str]:
    """Categories of CONFIRMED findings on live fields, as ``CATEGORY (ENTITY, ...)``.

    Only confirmed findings: a suggestion is not yet a fact a DPO should publish.
    """
    ids = sorted(set(dataset_ids))
    if not ids:
        return []
    rows = session.execute(
        select(Finding.category, Finding.entity_type)
        .join(Field, Field.id == Finding.field_id)
        .where(
            Field.dataset_id.in_(ids),
            Field.removed_at.is_(None),
            Finding.status == FindingStatus.CONFIRMED,
        )
        .distinct()
    )
    by_category: dict[str, set[str]] = {}
    for category, entity_type in rows:
        by_category.setdefault(category, set()).add(entity_type)
    return [
        f"{category} ({', '.join(sorted(entities))})"
        for category, entities in sorted(by_category.items())
    ]


def activities_of(session: Session, system: AISystem) -> list[ProcessingActivity]:
    """The Art. 30 entries that list this AI system, by name."""
    return list(
        session.scalars(
            select(ProcessingActivity)
            .where(ProcessingActivity.ai_systems.contains(system))
            .order_by(ProcessingActivity.name)
        )
    )


def dataset_links(session: Session, system: AISystem) -> list[AISystemDataset]:
    return sorted(system.dataset_links, key=lambda link: (dataset_label(link.dataset), link.usage))


def latest_assessment(
    session: Session,
    kind: AssessmentKind,
    *,
    ai_system_id: int | None = None,
    processing_activity_ids: Sequence[int] = (),
    status: AssessmentStatus | None = None,
) -> Assessment | None:
    """The most recent assessment of ``kind`` (and ``status``) on the system, else on its
    activities."""
    candidates: list[Any] = []
    if ai_system_id is not None:
        candidates.append(Assessment.ai_system_id == ai_system_id)
    if processing_activity_ids:
        candidates.append(Assessment.processing_activity_id.in_(list(processing_activity_ids)))
    if status is not None:
        candidates = [and_(c, Assessment.status == status) for c in candidates]
    for condition in candidates:  # the system's own assessment wins over its activities'
        found = session.scalars(
            select(Assessment)
            .where(Assessment.kind == kind, condition)
            .order_by(Assessment.date.desc().nulls_last(), Assessment.id.desc())
            .limit(1)
        ).first()
        if found is not None:
            return found
    return None


def table_export(
    stem: str,
    json_key: str,
    header: Sequence[str],
    entries: list[dict[str, Any]],
    fmt: ExportFormat,
) -> ExportFile:
    """One row per entry: JSON under ``json_key``, or CSV with lists joined in a cell."""
    if fmt is ExportFormat.JSON:
        return json_file(stem, {json_key: entries})
    rows = (
        [joined(value) if isinstance(value, list) else value for value in entry.values()]
        for entry in entries
    )
    return csv_file(stem, header, rows, fmt)
