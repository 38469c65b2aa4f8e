"""Ville de Valbourg: the SQLite database of a fictitious French city.

Demos and scanner benchmarks need a data store that looks like a city's: agents, social
welfare beneficiaries, grants, public procurement (DECP shape), traffic sensors and login
journals, with French identifiers that pass their checksums and *decoy* columns that look
like personal data but are not (a product reference shaped like a phone number, a
14-digit order number that fails Luhn, a civil-service grade "A/B/C"...).

Everything is fictitious and deterministic for a given seed: Faker('fr_FR') is seeded,
every other draw comes from one ``random.Random(seed)`` and dates are anchored to fixed
days (never "today"). :data:`GROUND_TRUTH` says which entity types a perfect scanner
should find in each column, so tests and benchmarks can score one.
"""

from __future__ import annotations

import ipaddress
import os
import random
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from faker import Faker

from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.demo.city_schema import (
    CITY_NAME,
    CODE_POSTAL,
    DEPARTEMENT,
    EMAIL_DOMAIN,
    GROUND_TRUTH,
    SCHEMA_SQL,
    TABLE_SIZES,
)
from registre.demo.identifiers import FrenchIdentifiers

__all__ = ["CITY_NAME", "GROUND_TRUTH", "TABLE_SIZES", "CityStats", "build_city_database"]


@dataclass(frozen=True)
class CityStats:
    """What :func:`build_city_database` wrote: the file and the row count of each table."""

    path: Path
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _spaced(value: str, groups: Sequence[int]) -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(value[start : start + size])
        start += size
    return " ".join(parts)


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


# --- vocabularies ------------------------------------------------------------------

_SERVICES = (
    "Direction générale des services", "Finances", "Ressources humaines", "État civil",
    "Police municipale", "Services techniques", "Espaces verts", "Éducation",
    "Culture et bibliothèques", "Sports", "Urbanisme", "Centre communal d'action sociale",
    "Systèmes d'information",
)  # fmt: skip
_HEALTH = (
    "aucune", "aucune", "aucune", "aucune", "diabète", "handicap moteur", "ALD",
    "handicap visuel", "insuffisance respiratoire", "maladie d'Alzheimer", "grossesse",
    "dépression", "cancer en rémission", "surdité",
)  # fmt: skip
_COMMENTS = (
    "Dossier complet.", "Pièces justificatives reçues.", "Relance envoyée par courrier.",
    "Aide alimentaire accordée pour trois mois.", "Demande de FSL transmise au département.",
    "Orientation vers la mission locale.", "Visite à domicile à programmer.",
    "Dossier clos.", "En attente de l'avis d'imposition.",
)  # fmt: skip
_NAMED_COMMENTS = (
    "RDV pris avec {civ} {nom} le {jour}.", "Suivi assuré par {civ} {nom}, assistante sociale.",
    "Hébergé chez un proche, {prenom} {nom}.", "Appeler {civ} {nom} (tutelle) avant décision.",
)  # fmt: skip
_COMMUNES = {  # commune -> code postal; Valbourg's residents weigh most
    "Valbourg": CODE_POSTAL, "Saint-Aubin-sur-Loirette": "45162",
    "Marcilly-le-Vieux": "45173", "Les Essarts-de-Valbourg": "45160",
}  # fmt: skip
_COMMUNE_WEIGHTS = (8, 1, 1, 1)
_ASSOCIATIONS = (
    "Association sportive de {c}", "Les Amis de la bibliothèque de {c}",
    "Comité des fêtes de {c}", "Harmonie municipale de {c}", "Secours populaire, antenne de {c}",
    "Club de l'amitié de {c}", "Restos du cœur, antenne de {c}", "Judo club {c}",
    "Théâtre du Pont de {c}", "Jardins partagés de {c}", "Union cycliste de {c}",
)  # fmt: skip
_GRANT_PURPOSES = (
    "Fonctionnement annuel", "Organisation du festival d'été", "Achat de matériel sportif",
    "Aide aux devoirs", "Fête de quartier", "Résidence d'artiste", "Actions de prévention",
)  # fmt: skip
# Real CPV codes with their check digit, and a procurement object for each.
_CPV = (
    ("45233140-2", "Travaux de voirie, rue {r}"),
    ("90911200-8", "Nettoyage des bâtiments communaux"),
    ("55523100-3", "Restauration scolaire"), ("72000000-5", "Maintenance du logiciel {s}"),
    ("77310000-6", "Entretien des espaces verts"),
    ("45261210-9", "Réfection de la toiture, école {r}"),
    ("30192000-1", "Fournitures de bureau"), ("50232100-1", "Entretien de l'éclairage public"),
    ("71000000-8", "Maîtrise d'œuvre, médiathèque"), ("34144900-7", "Véhicules électriques"),
    ("09310000-5", "Fourniture d'électricité"), ("39162100-6", "Matériel pédagogique"),
)  # fmt: skip
_NATURES = ("Marché", "Marché", "Marché", "Accord-cadre", "Marché subséquent")
_LEGAL_FORMS = ("SAS", "SARL", "SA", "SASU", "EURL")
_TRADES = ("BTP", "Paysages", "Informatique", "Restauration", "Énergies", "Voirie", "Nettoyage",
           "Conseil", "Couverture", "Transports")  # fmt: skip
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "python-requests/2.31.0",
)

_EPOCH = date(2026, 1, 1)  # every date is drawn relative to this fixed day


# --- table generators ---------------------------------------------------------------

Row = tuple[object, ...]


class _City:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.ids = FrenchIdentifiers(self.rng, home_departement=DEPARTEMENT)
        self.logins: list[str] = []

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def person(self) -> tuple[str, str, str]:
        civ = self.rng.choice(("M.", "Mme"))
        prenom = self.fake.first_name_male() if civ == "M." else self.fake.first_name_female()
        return civ, prenom, self.fake.last_name()

    def agents(self, n: int) -> list[Row]:
        rows: list[Row] = []
        emails: set[str] = set()
        logins: set[str] = set()
        for i in range(1, n + 1):
            _, prenom, nom = self.person()
            local = f"{_ascii_slug(prenom)}.{_ascii_slug(nom)}"
            email, k = f"{local}@{EMAIL_DOMAIN}", 1
            while email in emails:
                k += 1
                email = f"{local}{k}@{EMAIL_DOMAIN}"
            emails.add(email)
            login = (_ascii_slug(prenom)[:1] + _ascii_slug(nom)).replace("-", "")
            login = login if login not in logins else f"{login}{i}"
            logins.add(login)
            nir = self.ids.nir()
            iban = self.ids.iban()
            rows.append((
                i, nom, prenom, email,
                self.ids.phone() if self.rng.random() < 0.9 else None,
                nir if self.rng.random() < 0.8 else _spaced(nir, (1, 2, 2, 2, 3, 3, 2)),
                _spaced(iban, (4,) * 7) if self.rng.random() < 0.7 else iban,
                self.rng.choice(_SERVICES), self.rng.choice("ABCCC"),
                self.day(date(1995, 1, 1), _EPOCH).isoformat(),
            ))  # fmt: skip
        self.logins = sorted(logins)
        return rows

    def usagers(self, n: int) -> list[Row]:
        rows: list[Row] = []
        for i in range(1, n + 1):
            _, prenom, nom = self.person()
            commune = self.rng.choices(list(_COMMUNES), weights=_COMMUNE_WEIGHTS)[0]
            roll = self.rng.random()
            if roll < 0.1:
                civ, other_prenom, other_nom = self.person()
                comment: str | None = self.rng.choice(_NAMED_COMMENTS).format(
                    civ=civ, prenom=other_prenom, nom=other_nom,
                    jour=self.day(date(2025, 1, 1), _EPOCH).strftime("%d/%m/%Y"),
                )  # fmt: skip
            elif roll < 0.55:
                comment = self.rng.choice(_COMMENTS)
            else:
                comment = None
            rows.append((
                i, nom, prenom, self.day(date(1935, 1, 1), date(2008, 12, 31)).isoformat(),
                self.fake.street_address(),
                _COMMUNES[commune],
                commune,
                self.rng.choice(_HEALTH) if self.rng.random() < 0.95 else None,
                self.rng.randrange(0, 2_500, 10), comment,
            ))  # fmt: skip
        return rows

    def subventions(self, n: int) -> list[Row]:
        rows: list[Row] = []
        for i in range(1, n + 1):
            if self.rng.random() < 0.1:
                _, prenom, nom = self.person()
                beneficiaire = f"{prenom} {nom}" + self.rng.choice(("", " (EI)"))
                siret = self.ids.siret()
            else:
                beneficiaire = self.rng.choice(_ASSOCIATIONS).format(c="Valbourg")
                siret = self.ids.siret(self.ids.siren(prefix=self.rng.choice("78")))
            rows.append((
                i, beneficiaire, siret, round(self.rng.uniform(150, 25_000), 2),
                self.rng.choice(_GRANT_PURPOSES),
                self.day(date(2022, 1, 1), date(2025, 12, 31)).isoformat(),
            ))  # fmt: skip
        return rows

    def marches(self, n: int) -> list[Row]:
        city_siret = self.ids.siret(self.ids.siren(prefix="21" + DEPARTEMENT))
        ccas_siret = self.ids.siret(self.ids.siren(prefix="26" + DEPARTEMENT))
        rows: list[Row] = []
        for i in range(1, n + 1):
            if self.rng.random() < 0.15:
                civ, prenom, nom = self.person()
                titulaire = f"{civ} {prenom} {nom} (EI)"
            else:
                trade, form = self.rng.choice(_TRADES), self.rng.choice(_LEGAL_FORMS)
                titulaire = f"{self.fake.last_name()} {trade} {form}"
            cpv, objet = self.rng.choice(_CPV)
            notified = self.day(date(2022, 1, 1), date(2025, 12, 31))
            rows.append((
                f"{notified.year}-VAL-{i:04d}",
                city_siret if self.rng.random() < 0.85 else ccas_siret,
                self.ids.siret(), titulaire,
                objet.format(r=self.fake.last_name(), s="Cité-Gestion"),
                round(self.rng.uniform(4_000, 1_500_000), 2), notified.isoformat(), cpv,
                self.rng.choice(_NATURES),
            ))  # fmt: skip
        return rows

    def capteurs(self, n: int, sensors: int) -> list[Row]:
        start = datetime(2025, 3, 3)
        references = {s: f"REF-06{self.ids.digits(8)}" for s in range(1, sensors + 1)}
        rows: list[Row] = []
        for i in range(n):
            sensor = i % sensors + 1
            at = start + timedelta(minutes=15 * (i // sensors))
            rush = at.hour in (7, 8, 17, 18)
            flow = max(0, int(self.rng.gauss(180 if rush else 60, 25)))
            speed = round(max(5.0, self.rng.gauss(28 if rush else 42, 6)), 1)
            rows.append((
                i + 1, f"VAL-CPT-{sensor:03d}", at.isoformat(sep=" "), flow, speed,
                references[sensor], self.ids.failing_luhn(14),
            ))  # fmt: skip
        return rows

    def ip(self) -> str:
        roll = self.rng.random()
        if roll < 0.75:
            return f"10.45.{self.rng.randint(0, 31)}.{self.rng.randint(1, 254)}"
        if roll < 0.9:
            while True:
                address = ipaddress.IPv4Address(self.rng.getrandbits(32))
                if address.is_global:
                    return str(address)
        prefix = self.rng.choice((0x2A01_0E0A_0000_0000, 0xFD45_0000_0000_0000))
        return str(ipaddress.IPv6Address(prefix << 64 | self.rng.getrandbits(64)))

    def journaux(self, n: int) -> list[Row]:
        start = datetime(2025, 3, 3)
        moments = sorted(self.rng.randrange(0, 31 * 86_400) for _ in range(n))
        strangers = ("admin", "test", "administrateur", "root")
        rows: list[Row] = []
        for i, offset in enumerate(moments, start=1):
            stranger = self.rng.random() < 0.03
            login = self.rng.choice(strangers) if stranger else self.rng.choice(self.logins)
            ok = 0 if stranger or self.rng.random() < 0.07 else 1
            rows.append((
                i, (start + timedelta(seconds=offset)).isoformat(sep=" "), login, self.ip(),
                self.rng.choice(_USER_AGENTS) if self.rng.random() < 0.97 else None, ok,
            ))  # fmt: skip
        return rows


def build_city_database(path: Path, *, seed: int = 2026, scale: int = 1) -> CityStats:
    """Write the Ville de Valbourg database to ``path`` (a new SQLite file).

    ``scale`` multiplies every table's row count (:data:`TABLE_SIZES`). The same seed and
    scale give the same content. The file is built next to ``path`` and renamed into place,
    so a failed build leaves nothing behind; an existing file is never overwritten.
    """
    path = Path(path)
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise InvalidInput(
            Text("must be a whole number >= 1, got {scale!r}", scale=scale), field="scale"
        )
    if path.exists():
        raise InvalidInput(
            Text("{path} already exists; remove it or choose another path", path=str(path))
        )
    if not path.parent.is_dir():
        raise InvalidInput(Text("directory {path} does not exist", path=str(path.parent)))

    city = _City(seed)
    sizes = {table: size * scale for table, size in TABLE_SIZES.items()}
    tables: dict[str, list[Row]] = {
        "agents": city.agents(sizes["agents"]),
        "usagers_action_sociale": city.usagers(sizes["usagers_action_sociale"]),
        "subventions": city.subventions(sizes["subventions"]),
        "marches_publics": city.marches(sizes["marches_publics"]),
        "capteurs_trafic": city.capteurs(sizes["capteurs_trafic"], sensors=24 * scale),
        "journaux_connexion": city.journaux(sizes["journaux_connexion"]),
    }

    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(partial, isolation_level=None)
        try:
            # The file is private until renamed: durability during the build buys nothing.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(SCHEMA_SQL)
            connection.execute("BEGIN")
            for table, rows in tables.items():
                marks = ", ".join("?" * len(rows[0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
            connection.execute("COMMIT")
        finally:
            connection.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return CityStats(path=path, rows={table: len(rows) for table, rows in tables.items()})
