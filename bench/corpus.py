"""A labelled corpus of French tables for scoring column classifiers.

No public French tabular PII gold set exists (ANCHORS.md, "Scanners — Benchmarks"), so
this module generates one, deterministically from a seed:

* **generated tables** from ten templates (residents, staff, suppliers, taxpayers,
  travellers, a name-less raw import, orders, access logs, documents, a data-quality
  table), each built twice with column names drawn from French and English spellings
  (``nom``/``last_name``, ``courriel``/``email``, ``date_naissance``/``dob`` ...). Values
  come from Faker ``fr_FR`` and :class:`registre.demo.identifiers.FrenchIdentifiers`
  (NIR, SIRET, IBAN and phones that pass their checksums; NIF and invalid look-alikes
  from python-stdnum keys here). Decoys look like personal data and are not: product
  codes shaped like phone numbers, 14-digit order numbers failing Luhn, NIR-shaped
  case numbers with a wrong key, IBAN-shaped codes with wrong check digits, postal codes,
  quotient familial, grades A/B/C, 0/1 flags named ``email_verifie``, ``nom_fichier``,
  company names, and free-text comments of which about one in ten names someone;
* **the demo city** (``registre.demo.city``), labelled by its own ``GROUND_TRUTH``;
* **the Dutch algorithm register** (real, externally written records; see
  :func:`dutch_register_tables`), where the gold is "no personal data at all".

Every column carries its gold at column level:

``expected``
    entity types a perfect scanner labels the column with;
``mentions``
    entity types that only *appear inside free text* (a name in a comment): a perfect
    scanner suggests them for review and does not label the column with them;
``tolerated``
    entity types that are neither required nor wrong (a postal code labelled LOCATION:
    a coarse place, a quasi-identifier; whether to label it is policy, not fact).

Run ``python -m bench.corpus`` for a summary of what it builds.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker
from stdnum.fr import nif as std_nif
from stdnum.fr import nir as std_nir

from registre.demo.city import GROUND_TRUTH, build_city_database
from registre.demo.identifiers import FrenchIdentifiers
from registre.scanners.detection.columns import SampledColumn

__all__ = [
    "DUTCH_REGISTER",
    "LabelledColumn",
    "LabelledTable",
    "build_corpus",
    "city_tables",
    "dutch_register_tables",
    "generated_tables",
]

DEFAULT_SEED = 2026
DEFAULT_ROWS = 200

#: Relative to the repository root; absent from a user's own checkout.
DUTCH_REGISTER = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data"
) / "nl-algoritmeregister-2026-08-08.json"

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LabelledColumn:
    """One column of sampled values and its column-level gold."""

    name: str
    data_type: str
    values: tuple[object, ...]
    expected: frozenset[str] = _NONE
    mentions: frozenset[str] = _NONE
    tolerated: frozenset[str] = _NONE
    note: str = ""  # why the gold is what it is (decoy, invalid checksums, ...)

    def sampled(self) -> SampledColumn:
        return SampledColumn(self.name, self.data_type, list(self.values))


@dataclass(frozen=True)
class LabelledTable:
    """A table of the corpus: where it comes from and its labelled columns."""

    name: str
    source: str  # "generated", "city" or "nl-register"
    columns: tuple[LabelledColumn, ...]

    @property
    def rows(self) -> int:
        return max((len(c.values) for c in self.columns), default=0)

    @property
    def cells(self) -> int:
        return sum(len(c.values) for c in self.columns)

    def sampled(self) -> list[SampledColumn]:
        return [c.sampled() for c in self.columns]


# --- value generators -----------------------------------------------------------------


class _Values:
    """Every draw comes from one seeded ``random.Random`` and one seeded Faker."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.ids = FrenchIdentifiers(self.rng)

    # identifiers ------------------------------------------------------------------
    def nir(self) -> str:
        number = self.ids.nir()
        if self.rng.random() < 0.3:  # "1 85 05 78 006 084 36", as printed on the card
            return " ".join(
                (number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13],
                 number[13:])
            )  # fmt: skip
        return number

    def nir_integer(self) -> int:
        """A NIR stored as a bigint (Corsican 2A/2B ones cannot be)."""
        while not (number := self.ids.nir()).isdigit():
            pass
        return int(number)

    def bad_nir(self) -> str:
        """NIR-shaped (15 digits, plausible sex/year/month) with a wrong key."""
        body = self.ids.nir()[:13]
        key = int(std_nir.calc_check_digits(body))
        return f"{body}{(key + self.rng.randint(1, 96)) % 97 or 1:02d}"

    def nif(self) -> str:
        body = f"{self.rng.randint(0, 3)}{self.ids.digits(9)}"
        return body + std_nif.calc_check_digits(body)

    def iban(self) -> str:
        number = self.ids.iban()
        if self.rng.random() < 0.5:
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        return number

    def bad_iban(self) -> str:
        """A French IBAN with other check digits: only one pair passes mod 97."""
        number = self.ids.iban()
        check = self.rng.choice([c for c in range(2, 99) if c != int(number[2:4])])
        return f"FR{check:02d}{number[4:]}"

    def passport(self) -> str:
        letters = "".join(self.rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=2))
        return f"{self.rng.randint(0, 99):02d}{letters}{self.ids.digits(5)}"

    def phone(self) -> str:
        if self.rng.random() < 0.3:
            return self.fake.phone_number()  # "+33 (0)4 56 23 04 11", "0251586834" ...
        return self.ids.phone()

    def product_code(self) -> str:
        """A product reference that a phone validator reads as a French mobile number."""
        return self.rng.choice(("06", "07")) + self.ids.digits(8)

    # people and places --------------------------------------------------------------
    def email(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return self.fake.email()
        if roll < 0.7:
            return self.fake.free_email()
        first, last = self.fake.first_name(), self.fake.last_name()
        slug = "".join(c for c in f"{first}.{last}".lower() if c.isalnum() or c == ".")
        domain = self.rng.choice(("mairie-valbourg.fr", "interieur.gouv.fr", "ac-orleans-tours.fr"))
        return f"{slug.encode('ascii', 'ignore').decode()}@{domain}"

    def full_name(self) -> str:
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def address(self) -> str:
        if self.rng.random() < 0.5:
            return self.fake.street_address()
        return self.fake.address().replace("\n", ", ")

    def long_address(self) -> str:
        """A full French postal address as registry forms hold them (often 8+ words)."""
        rng = self.rng
        complement = rng.choice(
            ("", "", "Appartement 12, ", "Bâtiment B, ", "Résidence Les Tilleuls, ")
        )
        number = f"{rng.randint(1, 180)}{rng.choice(('', '', ' bis', ' ter'))}"
        street = rng.choice((
            "avenue du Général de Gaulle", "rue du Maréchal Leclerc", "boulevard Jean Jaurès",
            "place de la République", "rue des Anciens Combattants d'Afrique du Nord",
            "allée des Peupliers", "chemin de la Croix Blanche", "impasse du Moulin à Vent",
            f"rue {self.fake.last_name()}",
        ))  # fmt: skip
        return f"{complement}{number} {street}, {self.fake.postcode()} {self.fake.city()}"

    def birth_date(self) -> dt.date:
        return dt.date(1935, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 72))

    def some_date(self) -> dt.date:
        return dt.date(2015, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 11))

    def comment(self) -> str:
        if self.rng.random() < 0.1:  # a few comments name someone
            return self.rng.choice(
                (
                    "RDV pris avec {n} le {d}, dossier à compléter.",
                    "Appeler {n} avant toute décision sur ce dossier.",
                    "Suivi assuré par {n}, assistante sociale de secteur.",
                    "Courrier de {n} reçu, réponse à envoyer sous quinze jours.",
                )
            ).format(n=self.full_name(), d=self.some_date().strftime("%d/%m/%Y"))
        return self.fake.sentence(nb_words=self.rng.randint(7, 14))


Gen = Callable[[_Values], object]


@dataclass(frozen=True)
class _Kind:
    """A kind of column: its name spellings, SQL type, value generator and gold."""

    names: tuple[str, ...]
    data_type: str
    value: Gen
    expected: frozenset[str] = _NONE
    mentions: frozenset[str] = _NONE
    tolerated: frozenset[str] = _NONE
    null_rate: float = 0.03
    note: str = ""


def _k(names: str, data_type: str, value: Gen, expected: str = "", **extra: object) -> _Kind:
    gold = frozenset(expected.split()) if expected else _NONE
    return _Kind(tuple(names.split()), data_type, value, gold, **extra)  # type: ignore[arg-type]


_TEXT = "varchar(255)"
_POSTAL = frozenset({"LOCATION"})

KINDS: dict[str, _Kind] = {
    # personal data, French and English spellings
    "last_name": _k("nom last_name nom_famille surname nom_usage", _TEXT,
                    lambda v: v.fake.last_name(), "PERSON"),
    "first_name": _k("prenom first_name prenoms given_name", _TEXT,
                     lambda v: v.fake.first_name(), "PERSON"),
    "full_name": _k("nom_complet full_name nom_prenom contact_name", _TEXT,
                    lambda v: v.full_name(), "PERSON"),
    "upper_name": _k("NOM_USAGE NOM_NAISSANCE LAST_NAME", "varchar(60)",
                     lambda v: v.fake.last_name().upper(), "PERSON", note="upper case"),
    "holder": _k("titulaire holder beneficiaire", _TEXT,
                 lambda v: f"{v.rng.choice(('M.', 'Mme', 'Madame', 'Monsieur'))} {v.full_name()}",
                 "PERSON", note="civility + full name under a role-of-person column name"),
    "contact": _k("contact contact_usager", _TEXT, lambda v: v.fake.free_email(), "EMAIL_ADDRESS",
                  note="a generic column name holding e-mail addresses"),
    "email": _k("courriel email mail adresse_mail e_mail courriel_contact", _TEXT,
                lambda v: v.email(), "EMAIL_ADDRESS"),
    "phone": _k("tel phone telephone portable mobile num_tel phone_number", _TEXT,
                lambda v: v.phone(), "PHONE_NUMBER",
                note="Faker draws a few overseas numbers (02 62, 05 90) that region FR rejects"),
    "birth_date": _k("date_naissance birth_date dob date_de_naissance ddn birthdate", "date",
                     lambda v: v.birth_date(), "DATE_OF_BIRTH"),
    "birth_date_text": _k("date_naissance dob ne_le date_of_birth", _TEXT,
                          lambda v: v.birth_date().strftime("%d/%m/%Y"), "DATE_OF_BIRTH"),
    "birth_date_int": _k("dt_nais date_naiss birth_yyyymmdd", "integer",
                         lambda v: int(v.birth_date().strftime("%Y%m%d")), "DATE_OF_BIRTH",
                         note="YYYYMMDD stored as an integer"),
    "address": _k("adresse address adresse_postale street_address ligne_adresse", _TEXT,
                  lambda v: v.address(), "LOCATION"),
    "long_address": _k("adresse_complete adresse_domicile full_address address_line", _TEXT,
                       lambda v: v.long_address(), "LOCATION"),
    "city": _k("ville city commune commune_residence", _TEXT, lambda v: v.fake.city(),
               "LOCATION"),
    "nir": _k("nir ssn_fr numero_securite_sociale num_secu nss", _TEXT, lambda v: v.nir(),
              "FR_NIR"),
    "nir_integer": _k("nir numero_securite_sociale ssn_fr", "bigint",
                      lambda v: v.nir_integer(), "FR_NIR"),
    "iban": _k("iban rib iban_versement bank_account", _TEXT, lambda v: v.iban(), "IBAN_CODE"),
    "siret": _k("siret siret_etablissement numero_siret", "char(14)", lambda v: v.ids.siret(),
                "FR_SIRET"),
    "siren": _k("siren numero_siren", "char(9)", lambda v: v.ids.siren(), "FR_SIREN"),
    "nif": _k("numero_fiscal tax_id nif spi", "char(13)", lambda v: v.nif(), "FR_NIF"),
    "passport": _k("passeport passport_number numero_passeport", _TEXT, lambda v: v.passport(),
                   "FR_PASSPORT"),
    "ip": _k("ip adresse_ip ip_address client_ip", _TEXT,
             lambda v: v.fake.ipv4() if v.rng.random() < 0.9 else v.fake.ipv6(), "IP_ADDRESS"),
    # identifiers with some typos: still the identifier (coverage, not every value)
    "nir_typos": _k("nir num_secu", _TEXT,
                    lambda v: v.bad_nir() if v.rng.random() < 0.08 else v.nir(), "FR_NIR",
                    note="8% of the values carry a wrong key"),
    "siret_typos": _k("siret numero_siret", "char(14)",
                      lambda v: v.ids.failing_luhn(14) if v.rng.random() < 0.1 else v.ids.siret(),
                      "FR_SIRET", note="10% of the values fail Luhn"),
    # free text: a few comments name someone (suggestion, not a label)
    "comment": _k("commentaire comments observations notes remarques", "text",
                  lambda v: v.comment(), mentions=frozenset({"PERSON"}), null_rate=0.4,
                  note="free text; about 1 comment in 10 names someone"),
    # decoys
    "product_code": _k("code_produit product_code ref_article sku", _TEXT,
                       lambda v: v.product_code(), note="decoy: shaped like a French mobile"),
    "order_number": _k("numero_commande order_number num_commande", "char(14)",
                       lambda v: v.ids.failing_luhn(14), note="decoy: 14 digits failing Luhn"),
    "case_number": _k("reference_dossier case_ref numero_dossier", "char(15)",
                      lambda v: v.bad_nir(), note="decoy: NIR-shaped with a wrong key"),
    "internal_code": _k("code_interne internal_code code_compta", _TEXT,
                        lambda v: v.bad_iban(), note="decoy: IBAN-shaped, wrong check digits"),
    "postal_code": _k("code_postal zip_code cp postcode", "char(5)",
                      lambda v: v.fake.postcode(), tolerated=_POSTAL,
                      note="five digits: not a phone nor an identifier; LOCATION tolerated"),
    "quotient": _k("quotient_familial qf", "integer", lambda v: v.rng.randrange(0, 2500, 10),
                   note="decoy: a number"),
    "grade": _k("grade categorie echelon", "char(1)", lambda v: v.rng.choice("ABCCC"),
                note="decoy: civil-service category"),
    "email_flag": _k("email_verifie email_verified courriel_valide", "integer",
                     lambda v: v.rng.choice((0, 1, 1)), note="decoy: a 0/1 flag"),
    "file_name": _k("nom_fichier file_name nom_document", _TEXT, lambda v: v.fake.file_name(),
                    note="decoy: names a file"),
    "company": _k("raison_sociale company_name denomination nom_entreprise", _TEXT,
                  lambda v: v.fake.company(), note="organisations are not persons"),
    "amount": _k("montant amount revenu_fiscal salaire", "numeric(12,2)",
                 lambda v: round(v.rng.uniform(10, 90_000), 2)),
    "count": _k("nb_enfants quantite quantity", "integer", lambda v: v.rng.randint(0, 12)),
    "status": _k("statut status etat", _TEXT,
                 lambda v: v.rng.choice(("actif", "inactif", "suspendu", "clos"))),
    "event_date": _k("date_creation created_at date_depot date_entree date_commande", "date",
                     lambda v: v.some_date(), note="a date, not a date of birth"),
    "timestamp": _k("horodatage timestamp created_at", "timestamp",
                    lambda v: dt.datetime.combine(v.some_date(), dt.time(v.rng.randint(0, 23),
                                                                         v.rng.randint(0, 59)))),
    "row_id": _k("id identifiant_interne row_id", "bigint", lambda v: v.rng.randint(1, 10**9)),
    "service": _k("service direction department", _TEXT,
                  lambda v: v.rng.choice(("État civil", "Finances", "Urbanisme", "Sports",
                                          "Ressources humaines", "Culture", "Voirie"))),
    "url": _k("site_web url website", _TEXT, lambda v: v.fake.url(),
              note="a URL: not personal data"),
    "country": _k("pays country nationalite", _TEXT,
                  lambda v: v.rng.choice(("France", "Belgique", "Espagne", "Italie", "Maroc")),
                  tolerated=frozenset({"LOCATION"}), note="a country: LOCATION tolerated"),
}  # fmt: skip

# (table names FR / EN, column kinds). A kind listed as "kind:col" is a name-less column.
TEMPLATES: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (("usagers", "residents"), ("row_id", "last_name", "first_name", "birth_date", "address",
     "postal_code", "city", "phone", "email", "email_flag", "quotient", "comment", "upper_name")),
    (("agents", "employees"), ("row_id", "last_name", "first_name", "email", "phone", "nir",
     "iban", "grade", "service", "event_date", "file_name")),
    (("fournisseurs", "suppliers"), ("row_id", "company", "siret", "siren", "iban", "email",
     "phone", "amount", "address", "order_number", "url", "contact")),
    (("contribuables", "taxpayers"), ("nif", "full_name", "long_address", "postal_code", "city",
     "amount", "birth_date_text", "count", "birth_date_int")),
    (("voyageurs", "travellers"), ("passport", "last_name", "first_name", "birth_date",
     "country", "ip", "timestamp", "long_address", "holder")),
    (("import_brut", "raw_import"), ("nir:col", "email:col", "phone:col", "iban:col",
     "siret:col", "full_name:col", "order_number:col", "event_date:col", "amount:col")),
    (("commandes", "orders"), ("order_number", "product_code", "amount", "event_date",
     "status", "count", "email")),
    (("connexions", "access_log"), ("timestamp", "ip", "email_flag", "status", "row_id")),
    (("documents", "documents_en"), ("file_name", "event_date", "status", "url", "comment",
     "full_name")),
    (("controle_qualite", "data_quality"), ("nir_typos", "siret_typos", "case_number",
     "internal_code", "nir_integer", "order_number", "comment")),
)  # fmt: skip


def _column(values: _Values, kind: _Kind, name: str, rows: int) -> LabelledColumn:
    data = tuple(
        None if values.rng.random() < kind.null_rate else kind.value(values) for _ in range(rows)
    )
    return LabelledColumn(
        name=name,
        data_type=kind.data_type,
        values=data,
        expected=kind.expected,
        mentions=kind.mentions,
        tolerated=kind.tolerated,
        note=kind.note,
    )


def generated_tables(
    seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS, copies: int = 2
) -> list[LabelledTable]:
    """``copies`` versions of each template: the first French-named, the second English-named,
    further ones with each column's spelling drawn at random."""
    values = _Values(seed)
    tables: list[LabelledTable] = []
    for copy in range(copies):
        for (fr_name, en_name), kinds in TEMPLATES:
            table_name = (fr_name, en_name)[copy % 2] + (f"_{copy}" if copy >= 2 else "")
            columns: list[LabelledColumn] = []
            used: set[str] = set()
            nameless = 0
            for spec in kinds:
                kind_name, _, nameless_marker = spec.partition(":")
                kind = KINDS[kind_name]
                if nameless_marker:
                    nameless += 1
                    name = f"col_{nameless}"
                elif copy == 0:
                    name = kind.names[0]
                elif copy == 1:
                    english = [n for n in kind.names[1:] if n.isascii()]
                    name = values.rng.choice(english or list(kind.names))
                else:
                    name = values.rng.choice(kind.names)
                while name in used:
                    name = f"{name}_2"
                used.add(name)
                columns.append(_column(values, kind, name, rows))
            tables.append(LabelledTable(table_name, "generated", tuple(columns)))
    return tables


# --- the demo city ----------------------------------------------------------------------

#: Free-text columns of the city: its GROUND_TRUTH's PERSON there means "names appear in
#: some comments", which is a mention to suggest, not a column label.
_CITY_FREE_TEXT = {("usagers_action_sociale", "commentaire")}
#: Columns of the city where a label is tolerated though GROUND_TRUTH does not ask for it.
_CITY_TOLERATED = {("usagers_action_sociale", "code_postal"): _POSTAL}


def city_tables(seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS) -> list[LabelledTable]:
    """The demo city's tables and view, ``rows`` rows drawn per table with a seeded RNG."""
    rng = random.Random(seed)
    tables: list[LabelledTable] = []
    with tempfile.TemporaryDirectory(prefix="registre-bench-") as tmp:
        path = Path(tmp) / "valbourg.sqlite"
        build_city_database(path, seed=seed)
        connection = sqlite3.connect(path)
        try:
            names = [
                r[0]
                for r in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
                )
            ]
            for table in names:
                info = connection.execute(f"PRAGMA table_info({table})").fetchall()
                total = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                picked = sorted(rng.sample(range(total), min(rows, total)))
                data = connection.execute(f"SELECT * FROM {table}").fetchall()
                sample = [data[i] for i in picked]
                columns = []
                for position, (_, column, data_type, *_rest) in enumerate(info):
                    gold = frozenset(GROUND_TRUTH[(table, column)])
                    free_text = (table, column) in _CITY_FREE_TEXT
                    columns.append(
                        LabelledColumn(
                            name=column,
                            data_type=data_type or "text",
                            values=tuple(row[position] for row in sample),
                            expected=_NONE if free_text else gold,
                            mentions=gold if free_text else _NONE,
                            tolerated=_CITY_TOLERATED.get((table, column), _NONE),
                            note="demo city GROUND_TRUTH",
                        )
                    )
                tables.append(LabelledTable(f"city.{table}", "city", tuple(columns)))
        finally:
            connection.close()
    return tables


# --- the Dutch algorithm register -------------------------------------------------------

_NL_FIELDS = (
    ("title", _TEXT),
    ("organisatie", _TEXT),
    ("doel", "text"),
    ("status", _TEXT),
    ("impactassessment", _TEXT),
    ("juridische_basis", "text"),
    ("url", _TEXT),
    ("geregistreerd", "date"),
    ("toegevoegd", "date"),
)


def dutch_register_tables(
    path: Path = DUTCH_REGISTER, rows: int = DEFAULT_ROWS
) -> list[LabelledTable]:
    """The Dutch register cut into tables of ``rows`` records (all 1,530 records).

    Gold: no personal data in any field. ``organisatie`` holds organisation names (not
    persons), ``url`` holds URLs, ``geregistreerd``/``toegevoegd`` are registration
    dates, ``doel`` and ``juridische_basis`` are Dutch prose. Raises FileNotFoundError
    when the file is absent (callers skip with a message).
    """
    records = json.loads(Path(path).read_text(encoding="utf-8"))["algoritmes"]
    tables = []
    for start in range(0, len(records), rows):
        chunk = records[start : start + rows]
        columns = tuple(
            LabelledColumn(
                name=field_name,
                data_type=data_type,
                values=tuple(r.get(field_name) or None for r in chunk),
                note="Dutch register: no personal data",
            )
            for field_name, data_type in _NL_FIELDS
        )
        tables.append(LabelledTable(f"nl.algoritmes_{start // rows + 1}", "nl-register", columns))
    return tables


def build_corpus(
    seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS, *, copies: int = 2, city: bool = True
) -> list[LabelledTable]:
    """The French corpus: generated tables, then the demo city's (the same for a seed)."""
    tables = generated_tables(seed, rows, copies)
    if city:
        tables += city_tables(seed, rows)
    return tables


def iter_columns(tables: Sequence[LabelledTable]) -> Iterator[tuple[LabelledTable, LabelledColumn]]:
    for table in tables:
        for column in table.columns:
            yield table, column


@dataclass
class _Summary:
    tables: int = 0
    columns: int = 0
    cells: int = 0
    by_entity: Counter[str] = field(default_factory=Counter)


def summarize(tables: Sequence[LabelledTable]) -> _Summary:
    summary = _Summary(tables=len(tables))
    for _table, column in iter_columns(tables):
        summary.columns += 1
        summary.cells += len(column.values)
        summary.by_entity.update(column.expected or {"(none)"})
    return summary


def main() -> int:
    tables = build_corpus()
    summary = summarize(tables)
    print(f"{summary.tables} tables, {summary.columns} columns, {summary.cells:,} cells")
    for entity, count in sorted(summary.by_entity.items()):
        print(f"  {entity:<16} {count:>4} columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
