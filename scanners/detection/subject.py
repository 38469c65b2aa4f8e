"""What a table's rows are about, inferred before its columns are judged.

Personal data is a property of the record's subject (PRODUCT.md, principle 8): a
commune, a postal code or an address is personal data in a table of persons, not in a
reference table of places nor in a directory of organisations; a SIREN is personal
where the rows are sole traders. :func:`infer_subject` reads the table's column names
and a few values (never kept) and says which of
:data:`SUBJECTS` its rows describe, with its reasons; :func:`condition_findings` then
adjusts the column findings to it. A steward's correction replaces the inference
(``subject=`` on :meth:`Classifier.classify_table`) and re-decides the columns.

Rules only, no model: every reason is a sentence built from column names and counts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from registre.catalog.data.harvested import ColumnFinding
from registre.catalog.i18n import Joined, Text
from registre.scanners.detection.columns import PreparedColumn
from registre.scanners.detection.config import normalize_words

PERSONS: Final = "PERSONS"
ORGANISATIONS: Final = "ORGANISATIONS"
PLACES: Final = "PLACES"
EVENTS: Final = "EVENTS"
THINGS: Final = "THINGS"
UNKNOWN: Final = "UNKNOWN"
#: What a table's rows may be about (UNKNOWN: no rule fired; nothing is conditioned); the
#: values of the catalog's :class:`~registre.catalog.enums.TableSubject`.
SUBJECTS: Final = (PERSONS, ORGANISATIONS, PLACES, EVENTS, THINGS, UNKNOWN)

# Column names (normalized: lower case, no accents, words) that say what a row is.
_FIRST_NAME = re.compile(r"\b(prenoms?|prenom usuel|first ?name|given ?name|forename)\b")
_CIVILITY = re.compile(r"\b(civ|civilite|civility|sexe|sex|code sexe|genre|gender|title)\b")
_ORG = re.compile(
    r"\b(raison sociale|denomination|forme juridique|categorie juridique|nature juridique|"
    r"statut juridique|sigle|enseigne|categorie entreprise|tranche effectifs?|"
    r"effectifs? salaries?|code naf|naf|code ape|ape|activite principale|rna|legal form|"
    r"legal name|company name|company|organisation|organization)\b"
)
_PLACE = re.compile(
    r"\b(commune|communes|ville|city|code postal|cp|postal|zip|insee|code commune|codgeo|"
    r"libgeo|departement|dep|dept|region|reg|pays|country|latitude|longitude|lat|lon|lng|"
    r"coordonnees|gps|canton|arrondissement|acheminement|ligne 5|lieu dit|iris|epci|"
    r"population|superficie|altitude|chef lieu)\b"
)
_MANDATE = re.compile(
    r"\b(mandat|mandats|fonction|circonscription|circo|elu|elus|legislature|canton|"
    r"secteur|groupe parlementaire|nuance)\b"
)
_EVENT = re.compile(
    r"\b(horodatage|timestamp|datetime|date heure|evenement|event|log|logged|occurred|"
    r"created at)\b"
)
_THING = re.compile(
    r"\b(produit|product|article|sku|ean|capteur|sensor|equipement|materiel|vehicule|"
    r"commande|order|stock|inventaire|modele|model)\b"
)
#: a column of a place or a mandate's seat (no residence word): not the person's place
_BARE_PLACE = re.compile(
    r"\b(commune|ville|city|departement|dep|region|pays|canton|circonscription|secteur|"
    r"code commune|insee)\b"
)
_RESIDENCE = re.compile(
    r"\b(adresse|address|domicile|residence|habite|naissance|birth|lieu|voie|rue|"
    r"street|postal)\b"
)
#: a person named through a role ("nom du responsable", "gérant"): a person in any table
_ROLE = re.compile(
    r"\b(responsable|gerant|dirigeant|directeur|directrice|president|presidente|maire|"
    r"manager|contact|representant|referent|titulaire|beneficiaire|signataire|agent|"
    r"interlocuteur|correspondant|delegue|tresorier|secretaire)\b"
)
_SOLE_TRADER_VALUE = re.compile(
    r"\b(entrepreneur individuel|entreprise individuelle|micro entrepreneur|"
    r"auto entrepreneur|personne physique|eirl|ei)\b"
)
_SOLE_TRADER_CODE = re.compile(r"10\d\d")  # INSEE catégorie juridique 1000: EI
_LEGAL_FORM_COLUMN = re.compile(r"\b(forme juridique|categorie juridique|nature juridique|type)\b")


@dataclass(frozen=True)
class TableSubject:
    """What a table's rows are about, and why (no value in the reasons)."""

    subject: str
    reasons: tuple[str, ...]
    sole_traders: bool = False  # rows are natural persons trading under a SIREN
    mandates: bool = False  # rows are mandates or positions of persons
    corrected: bool = False  # set by a steward, not inferred


def _names(columns: Sequence[PreparedColumn], regex: re.Pattern[str]) -> list[str]:
    return [c.name for c in columns if regex.search(c.words)]


def _quote(names: Sequence[str], most: int = 3) -> Text:
    """``'nom', 'prenom', 'naissance' (+2)``: quoted in the reader's language."""
    quoted = [Text("'{name}'", name=n) for n in names[:most]]
    if len(names) > most:
        return Text("{names} (+{more})", names=quoted, more=len(names) - most)
    return Text("{names}", names=quoted)


def _sole_traders(columns: Sequence[PreparedColumn]) -> bool:
    """A legal-form column whose values name sole traders (``Entrepreneur individuel``,
    code 1000, ``personne_physique``) on at least a third of its distinct values."""
    for column in columns:
        if not _LEGAL_FORM_COLUMN.search(column.words) or not column.values:
            continue
        hits = sum(
            1
            for v in column.values
            if _SOLE_TRADER_VALUE.search(normalize_words(v)) or _SOLE_TRADER_CODE.fullmatch(v)
        )
        if hits * 3 >= len(column.values):
            return True
    return False


def infer_subject(columns: Sequence[PreparedColumn]) -> TableSubject:
    """Natural persons, organisations, places, events or things, from names and values."""
    first_names = _names(columns, _FIRST_NAME)
    # a birth-date name alone is not enough ("lieu de naissance", "nom de naissance"):
    # its values must read as dates
    births = [
        c.name
        for c in columns
        if "DATE_OF_BIRTH" in c.priors
        and (c.family == "date" or (c.values and 2 * c.date_like >= len(c.values)))
    ]
    nirs = [c.name for c in columns if "FR_NIR" in c.priors and not _PLACE.search(c.words)]
    civility = _names(columns, _CIVILITY)
    strong_names = [c.name for c in columns if c.priors.get("PERSON", (0.0, None))[0] >= 0.9]
    org = _names(columns, _ORG)
    places = _names(columns, _PLACE)
    sole_traders = _sole_traders(columns)

    person_reasons: list[Text] = []
    if first_names:
        person_reasons.append(Text("first-name columns {columns}", columns=_quote(first_names)))
    if births:
        person_reasons.append(Text("birth-date columns {columns}", columns=_quote(births)))
    if nirs:
        person_reasons.append(
            Text("social security number columns {columns}", columns=_quote(nirs))
        )
    if civility and strong_names:
        person_reasons.append(
            Text("civility or sex columns {columns} beside names", columns=_quote(civility))
        )
    elif strong_names and len(org) < 2:
        person_reasons.append(Text("person-name columns {columns}", columns=_quote(strong_names)))
    if sole_traders:
        person_reasons.append(Text("a legal form naming sole traders (entrepreneur individuel)"))
    if person_reasons:
        mandates = _names(columns, _MANDATE)
        reasons = [Text("rows are natural persons: {reasons}", reasons=Joined(person_reasons))]
        if sole_traders:
            reasons.append(Text("rows are sole traders: their SIREN/SIRET identify a person"))
        if mandates:
            reasons.append(
                Text(
                    "rows are mandates or positions ({columns}): a bare commune, département "
                    "or constituency is the seat of the mandate, not the person's place",
                    columns=_quote(mandates),
                )
            )
        return TableSubject(PERSONS, tuple(reasons), sole_traders, bool(mandates))
    if len(org) >= 2:
        return TableSubject(
            ORGANISATIONS,
            (
                Text(
                    "rows are organisations: legal name, legal form or size columns {columns}",
                    columns=_quote(org),
                ),
            ),
        )
    if len(places) >= 2 and 2 * len(places) >= len(columns):
        return TableSubject(
            PLACES,
            (
                Text(
                    "rows are places: {places} of {total} columns name places or their codes "
                    "({columns})",
                    places=len(places),
                    total=len(columns),
                    columns=_quote(places),
                ),
            ),
        )
    events = _names(columns, _EVENT)
    if events:
        return TableSubject(
            EVENTS, (Text("rows are events: time-stamp columns {columns}", columns=_quote(events)),)
        )
    things = _names(columns, _THING)
    if things:
        return TableSubject(
            THINGS, (Text("rows are things: columns {columns}", columns=_quote(things)),)
        )
    return TableSubject(UNKNOWN, (Text("no column says what the rows are about"),))


def corrected_subject(subject: str, by: str | None = None) -> TableSubject:
    """The subject a steward set; it replaces the inference at every scan."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown table subject {subject!r}; expected one of {SUBJECTS}")
    reason = (
        Text("set by {who}: a steward's correction of the inferred subject", who=by)
        if by
        else Text("set: a steward's correction of the inferred subject")
    )
    return TableSubject(
        subject,
        (reason,),
        sole_traders=False,
        mandates=False,
        corrected=True,
    )


def _demoted(finding: ColumnFinding, reason: str, cap: float) -> ColumnFinding:
    return dataclasses.replace(
        finding, score=min(finding.score, cap), reasons=(*finding.reasons, reason)
    )


def condition_findings(
    subject: TableSubject,
    columns: Mapping[str, PreparedColumn],
    findings: dict[str, list[ColumnFinding]],
    *,
    label_score: float,
) -> dict[str, list[ColumnFinding]]:
    """The column findings as the table's subject makes them (a new dict).

    * rows that are not persons (places, organisations): a LOCATION is dropped; a
      PERSON from the bare word *nom* is an organisation's or a place's name and is
      dropped; a person named through a role (*nom du responsable*) stays;
    * organisations: SIREN/SIRET become *possible* (below ``label_score``), a legal
      person's identifier is not personal data;
    * persons whose rows are mandates: a bare commune/département/constituency column
      is the seat of the mandate, its LOCATION is dropped;
    * sole traders: SIREN/SIRET say why they are personal.
    """
    out: dict[str, list[ColumnFinding]] = {}
    not_persons = subject.subject in (PLACES, ORGANISATIONS)
    for name, found in findings.items():
        column = columns.get(name)
        words = column.words if column else ""
        kept: list[ColumnFinding] = []
        for finding in found:
            entity = finding.entity_type
            if not_persons and entity == "LOCATION":
                continue
            if (
                not_persons
                and entity == "PERSON"
                and not _ROLE.search(words)
                and not finding.free_text  # a person named in a note is still a person
                and finding.name_signal in (None, "nom")
            ):
                continue
            if (
                subject.subject == PERSONS
                and subject.mandates
                and entity == "LOCATION"
                and _BARE_PLACE.search(words)
                and not _RESIDENCE.search(words)
            ):
                continue
            if entity in ("FR_SIREN", "FR_SIRET", "FR_TVA"):
                if subject.subject == ORGANISATIONS:
                    finding = _demoted(
                        finding,
                        "rows are organisations: a legal person's identifier is not personal "
                        "data (possible only, for review)",
                        label_score - 0.05,
                    )
                elif subject.sole_traders:
                    finding = dataclasses.replace(
                        finding,
                        reasons=(*finding.reasons, "rows are sole traders: personal data"),
                    )
            kept.append(finding)
        out[name] = kept
    return out
