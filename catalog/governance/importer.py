"""Bulk import of AI systems from other registers: all records or none.

Two layouts are read:

* the Dutch public algorithm register export (JSON: ``{"algoritmes": [...]}``, records
  with ``id, title, organisatie, doel, status, impactassessment, juridische_basis, url``):
  each ``organisatie`` becomes an Organisation (country NL, a public body: the register
  lists government organisations) and the deployer of its systems; ``juridische_basis``
  is kept as the system's legal basis and ``impactassessment`` (Ja / Nee / Onbekend) as
  whether an impact assessment is declared (true / false / unknown), and
* Registre's CSV layout (UTF-8, ``,`` or ``;``), one AI system a row, headers:
  ``name`` (required), ``purpose``, ``use_area``, ``status``, ``risk_class``,
  ``annex_iii_point``, ``provider`` (an organisation name, created if new),
  ``deployer_service``, ``hosting_country``, ``owner``, ``individual_decisions``
  (true/false), ``automation_level``, ``human_oversight_owner``, ``log_retention_days``,
  ``public_inventory_url``, ``external_ref``.

Every record is validated before anything is written; one bad record fails the whole
import with its line (CSV) or id (JSON). A record whose ``external_ref`` is already in
the catalog updates that AI system, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.domains import domain_for_new
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.enums import AISystemStatus
from registre.catalog.errors import DomainError, InvalidInput
from registre.catalog.governance.register import ai_system_values
from registre.catalog.i18n import Text
from registre.catalog.inputs import AISystemInput
from registre.catalog.models.ai import AISystem
from registre.catalog.models.data import Organisation
from registre.catalog.service import validate

CSV_COLUMNS = (
    "name",
    "purpose",
    "use_area",
    "status",
    "risk_class",
    "annex_iii_point",
    "provider",
    "deployer_service",
    "hosting_country",
    "owner",
    "individual_decisions",
    "automation_level",
    "human_oversight_owner",
    "log_retention_days",
    "public_inventory_url",
    "external_ref",
)

DUTCH_STATUS = {
    "in_gebruik": AISystemStatus.IN_PRODUCTION,
    "ontwikkeling": AISystemStatus.PILOT,
    "in_ontwikkeling": AISystemStatus.PILOT,
    "buiten_gebruik": AISystemStatus.RETIRED,
}
_NAME_MAX = 200
#: what the Dutch register's ``impactassessment`` says: Ja, Nee, Onbekend (unknown)
DUTCH_IMPACT_ASSESSMENT = {"ja": True, "nee": False}


class ImportFailed(DomainError):
    """The file has bad records; nothing was imported."""

    code = "IMPORT_FAILED"

    def __init__(self, problems: list[str]) -> None:
        shown = _Lines(Text("  - {problem}", problem=p) for p in problems[:20])
        more = (
            Text("\n  ... and {count} more", count=len(problems) - 20) if len(problems) > 20 else ""
        )
        super().__init__(
            Text(
                "{count} bad record(s), nothing imported:\n{problems}{more}",
                count=len(problems),
                problems=shown,
                more=more,
            )
        )
        self.problems = problems


class _Lines(list[Any]):
    """A :class:`Text` parameter rendered one item a line."""

    sep = "\n"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class Deployer:
    """The organisation a source register names as using the system."""

    name: str
    country: str
    is_public_body: bool


@dataclass(frozen=True)
class Record:
    where: str  # "line 12" or "id 11136893": how the user finds it in their file
    data: AISystemInput
    provider: str | None
    deployer: Deployer | None = None


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


Raw = tuple[str, dict[str, Any], str | None, Deployer | None]


def _dutch_records(payload: Any) -> Iterable[Raw]:
    if not isinstance(payload, dict) or not isinstance(payload.get("algoritmes"), list):
        raise InvalidInput(
            Text("not a Dutch algorithm register export: no 'algoritmes' list"), field="file"
        )
    for index, item in enumerate(payload["algoritmes"], start=1):
        where = (
            Text("id {id}", id=item.get("id"))
            if isinstance(item, dict) and item.get("id")
            else Text("record {index}", index=index)
        )
        if not isinstance(item, dict):
            yield where, {"name": None}, None, None
            continue
        title = (item.get("title") or "").strip()
        org = (item.get("organisatie") or "").strip()
        # Titles repeat across organisations ("Anonimiseren" 82 times): the register's
        # own id keeps each name unique and findable.
        name = (
            _truncate(f"{title} — {org}" if org else title, _NAME_MAX - 12) + f" [{item.get('id')}]"
        )
        status = DUTCH_STATUS.get(str(item.get("status") or ""))
        legal_basis = str(item.get("juridische_basis") or "").strip()
        assessment = str(item.get("impactassessment") or "").strip().lower()
        data = {
            "name": name if title else "",
            "purpose": item.get("doel") or None,
            "deployer_service": _truncate(org, _NAME_MAX) or None,
            "status": status if status else item.get("status"),
            "public_inventory_url": item.get("url") or None,
            "legal_basis_reference": legal_basis or None,
            "declared_impact_assessment": DUTCH_IMPACT_ASSESSMENT.get(assessment),
            "external_ref": f"nl-algoritmeregister:{item.get('id')}",
        }
        # the register lists the algorithms of Dutch government organisations
        deployer = Deployer(_truncate(org, _NAME_MAX), "NL", True) if org else None
        yield where, data, None, deployer


def _csv_records(text: str) -> Iterable[Raw]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = set(reader.fieldnames or [])
    if "name" not in headers:
        raise InvalidInput(
            Text("the CSV has no 'name' column (see the documented layout)"), field="file"
        )
    unknown = headers - set(CSV_COLUMNS)
    if unknown:
        raise InvalidInput(
            Text(
                "unknown column(s) {unknown}; known: {known}",
                unknown=", ".join(sorted(unknown)),
                known=", ".join(CSV_COLUMNS),
            ),
            field="file",
        )
    for row in reader:
        where = Text("line {line}", line=reader.line_num)
        data: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        data = {k: v for k, v in data.items() if v not in ("", None)}
        provider = data.pop("provider", None)
        if "individual_decisions" in data:
            data["individual_decisions"] = str(data["individual_decisions"]).lower() in (
                "true",
                "1",
                "yes",
                "oui",
            )
        yield where, data, provider, None


def _problem(where: str, exc: DomainError) -> Text:
    """``line 3: status: ...``: where a bad record is, the field and its refusal."""
    if exc.field:
        return Text(
            "{where}: {field}: {problem}", where=where, field=exc.field, problem=exc.message
        )
    return Text("{where}: {problem}", where=where, problem=exc.message)


def read_records(path: Path) -> list[Record]:
    """Parse and validate every record of ``path``; raise ImportFailed listing the bad ones."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            Text("cannot read {path}: {reason}", path=str(path), reason=exc.strerror),
            field="file",
        ) from None
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    parse: Callable[[], Iterable[Raw]]
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                Text("{file} is not valid JSON (line {line})", file=path.name, line=exc.lineno),
                field="file",
            ) from None
        parse = lambda: _dutch_records(payload)  # noqa: E731
    else:
        parse = lambda: _csv_records(text)  # noqa: E731
    records: list[Record] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for where, data, provider, deployer in parse():
        try:
            valid = validate(AISystemInput, data)
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        if valid.name in seen:
            repeated = Text(
                "name '{name}' repeats {where}", name=valid.name, where=seen[valid.name]
            )
            problems.append(Text("{where}: {problem}", where=where, problem=repeated))
            continue
        seen[valid.name] = where
        records.append(Record(where, valid, provider, deployer))
    if problems:
        raise ImportFailed(problems)
    if not records:
        raise InvalidInput(Text("{file} holds no record", file=path.name), field="file")
    return records


def import_ai_systems(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every AI system of ``path`` in the caller's transaction (all or nothing)."""
    actor.require(Permission.REGISTER)
    records = read_records(path)
    report = ImportReport()
    by_ref = {
        s.external_ref: s
        for s in session.scalars(select(AISystem).where(AISystem.external_ref.is_not(None)))
    }
    names = {
        name: ref for name, ref in session.execute(select(AISystem.name, AISystem.external_ref))
    }
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    problems: list[str] = []
    for rec in records:
        # What the file says; defaults (status PLANNED...) only for systems it creates, so a
        # re-import never undoes what stewards recorded since.
        values = rec.data.model_dump(exclude_unset=True, exclude_none=True)
        if rec.provider:
            values["provider_id"] = _organisation(session, actor, orgs, rec.provider, report).id
        if rec.deployer is not None:
            deployer = _organisation(
                session,
                actor,
                orgs,
                rec.deployer.name,
                report,
                country=rec.deployer.country,
                is_public_body=rec.deployer.is_public_body,
            )
            values["deployer_id"] = deployer.id
        existing = by_ref.get(rec.data.external_ref) if rec.data.external_ref else None
        if existing is None:
            if rec.data.name in names:
                already = Text(
                    "an AI system named '{name}' is already in the catalog", name=rec.data.name
                )
                problems.append(Text("{where}: {problem}", where=rec.where, problem=already))
                continue
            if "domain_id" not in values:
                values["domain_id"] = domain_for_new(session, actor, None, Permission.REGISTER)
            system = AISystem(**ai_system_values(rec.data) | values)
            session.add(system)
            record(session, actor, "import_ai_system", system)
            names[rec.data.name] = rec.data.external_ref
            report.created += 1
        else:
            before = snapshot(existing)
            for key, value in values.items():
                setattr(existing, key, value)
            if session.is_modified(existing):
                session.flush()
                record(session, actor, "import_ai_system", existing, before=before)
                report.updated += 1
            else:
                report.unchanged += 1
        report.names.append(rec.data.name)
        if progress:
            progress(1)
    if problems:
        raise ImportFailed(problems)
    return report


def _organisation(
    session: Session,
    actor: Actor,
    orgs: dict[str, Organisation],
    name: str,
    report: ImportReport,
    **facts: Any,
) -> Organisation:
    """The organisation named ``name``, created (and audited) on first mention with
    ``facts``; an existing one is left as stewards recorded it."""
    org = orgs.get(name)
    if org is None:
        org = orgs[name] = Organisation(name=name, **facts)
        session.add(org)
        session.flush()
        record(session, actor, "create_organisation", org)
        report.organisations_created += 1
    return org
