"""The column kinds of the generated corpus: how each kind's values are drawn, its
French and English names, and its gold (see :mod:`bench.corpus`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker
from stdnum.fr import nif as std_nif
from stdnum.fr import nir as std_nir

from registre.demo.identifiers import FrenchIdentifiers

NONE: frozenset[str] = frozenset()


class Values:
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


Gen = Callable[[Values], object]


@dataclass(frozen=True)
class Kind:
    """A kind of column: its name spellings, SQL type, value generator and gold."""

    names: tuple[str, ...]
    data_type: str
    value: Gen
    expected: frozenset[str] = NONE
    mentions: frozenset[str] = NONE
    tolerated: frozenset[str] = NONE
    null_rate: float = 0.03
    note: str = ""


def _k(names: str, data_type: str, value: Gen, expected: str = "", **extra: object) -> Kind:
    gold = frozenset(expected.split()) if expected else NONE
    return Kind(tuple(names.split()), data_type, value, gold, **extra)  # type: ignore[arg-type]


TEXT = "varchar(255)"
POSTAL = frozenset({"LOCATION"})

KINDS: dict[str, Kind] = {
    # personal data, French and English spellings
    "last_name": _k("nom last_name nom_famille surname nom_usage", TEXT,
                    lambda v: v.fake.last_name(), "PERSON"),
    "first_name": _k("prenom first_name prenoms given_name", TEXT,
                     lambda v: v.fake.first_name(), "PERSON"),
    "full_name": _k("nom_complet full_name nom_prenom contact_name", TEXT,
                    lambda v: v.full_name(), "PERSON"),
    "upper_name": _k("NOM_USAGE NOM_NAISSANCE LAST_NAME", "varchar(60)",
                     lambda v: v.fake.last_name().upper(), "PERSON", note="upper case"),
    "holder": _k("titulaire holder beneficiaire", TEXT,
                 lambda v: f"{v.rng.choice(('M.', 'Mme', 'Madame', 'Monsieur'))} {v.full_name()}",
                 "PERSON", note="civility + full name under a role-of-person column name"),
    "contact": _k("contact contact_usager", TEXT, lambda v: v.fake.free_email(), "EMAIL_ADDRESS",
                  note="a generic column name holding e-mail addresses"),
    "email": _k("courriel email mail adresse_mail e_mail courriel_contact", TEXT,
                lambda v: v.email(), "EMAIL_ADDRESS"),
    "phone": _k("tel phone telephone portable mobile num_tel phone_number", TEXT,
                lambda v: v.phone(), "PHONE_NUMBER",
                note="Faker draws a few overseas numbers (02 62, 05 90) that region FR rejects"),
    "birth_date": _k("date_naissance birth_date dob date_de_naissance ddn birthdate", "date",
                     lambda v: v.birth_date(), "DATE_OF_BIRTH"),
    "birth_date_text": _k("date_naissance dob ne_le date_of_birth", TEXT,
                          lambda v: v.birth_date().strftime("%d/%m/%Y"), "DATE_OF_BIRTH"),
    "birth_date_int": _k("dt_nais date_naiss birth_yyyymmdd", "integer",
                         lambda v: int(v.birth_date().strftime("%Y%m%d")), "DATE_OF_BIRTH",
                         note="YYYYMMDD stored as an integer"),
    "address": _k("adresse address adresse_postale street_address ligne_adresse", TEXT,
                  lambda v: v.address(), "LOCATION"),
    "long_address": _k("adresse_complete adresse_domicile full_address address_line", TEXT,
                       lambda v: v.long_address(), "LOCATION"),
    "city": _k("ville city commune commune_residence", TEXT, lambda v: v.fake.city(),
               "LOCATION"),
    "nir": _k("nir ssn_fr numero_securite_sociale num_secu nss", TEXT, lambda v: v.nir(),
              "FR_NIR"),
    "nir_integer": _k("nir numero_securite_sociale ssn_fr", "bigint",
                      lambda v: v.nir_integer(), "FR_NIR"),
    "iban": _k("iban rib iban_versement bank_account", TEXT, lambda v: v.iban(), "IBAN_CODE"),
    "siret": _k("siret siret_etablissement numero_siret", "char(14)", lambda v: v.ids.siret(),
                "FR_SIRET"),
    "siren": _k("siren numero_siren", "char(9)", lambda v: v.ids.siren(), "FR_SIREN"),
    "nif": _k("numero_fiscal tax_id nif spi", "char(13)", lambda v: v.nif(), "FR_NIF"),
    "passport": _k("passeport passport_number numero_passeport", TEXT, lambda v: v.passport(),
                   "FR_PASSPORT"),
    "ip": _k("ip adresse_ip ip_address client_ip", TEXT,
             lambda v: v.fake.ipv4() if v.rng.random() < 0.9 else v.fake.ipv6(), "IP_ADDRESS"),
    # identifiers with some typos: still the identifier (coverage, not every value)
    "nir_typos": _k("nir num_secu", TEXT,
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
    "product_code": _k("code_produit product_code ref_article sku", TEXT,
                       lambda v: v.product_code(), note="decoy: shaped like a French mobile"),
    "order_number": _k("numero_commande order_number num_commande", "char(14)",
                       lambda v: v.ids.failing_luhn(14), note="decoy: 14 digits failing Luhn"),
    "case_number": _k("reference_dossier case_ref numero_dossier", "char(15)",
                      lambda v: v.bad_nir(), note="decoy: NIR-shaped with a wrong key"),
    "internal_code": _k("code_interne internal_code code_compta", TEXT,
                        lambda v: v.bad_iban(), note="decoy: IBAN-shaped, wrong check digits"),
    "postal_code": _k("code_postal zip_code cp postcode", "char(5)",
                      lambda v: v.fake.postcode(), tolerated=POSTAL,
                      note="five digits: not a phone nor an identifier; LOCATION tolerated"),
    "quotient": _k("quotient_familial qf", "integer", lambda v: v.rng.randrange(0, 2500, 10),
                   note="decoy: a number"),
    "grade": _k("grade categorie echelon", "char(1)", lambda v: v.rng.choice("ABCCC"),
                note="decoy: civil-service category"),
    "email_flag": _k("email_verifie email_verified courriel_valide", "integer",
                     lambda v: v.rng.choice((0, 1, 1)), note="decoy: a 0/1 flag"),
    "file_name": _k("nom_fichier file_name nom_document", TEXT, lambda v: v.fake.file_name(),
                    note="decoy: names a file"),
    "company": _k("raison_sociale company_name denomination nom_entreprise", TEXT,
                  lambda v: v.fake.company(), note="organisations are not persons"),
    "amount": _k("montant amount revenu_fiscal salaire", "numeric(12,2)",
                 lambda v: round(v.rng.uniform(10, 90_000), 2)),
    "count": _k("nb_enfants quantite quantity", "integer", lambda v: v.rng.randint(0, 12)),
    "status": _k("statut status etat", TEXT,
                 lambda v: v.rng.choice(("actif", "inactif", "suspendu", "clos"))),
    "event_date": _k("date_creation created_at date_depot date_entree date_commande", "date",
                     lambda v: v.some_date(), note="a date, not a date of birth"),
    "timestamp": _k("horodatage timestamp created_at", "timestamp",
                    lambda v: dt.datetime.combine(v.some_date(), dt.time(v.rng.randint(0, 23),
                                                                         v.rng.randint(0, 59)))),
    "row_id": _k("id identifiant_interne row_id", "bigint", lambda v: v.rng.randint(1, 10**9)),
    "service": _k("service direction department", TEXT,
                  lambda v: v.rng.choice(("État civil", "Finances", "Urbanisme", "Sports",
                                          "Ressources humaines", "Culture", "Voirie"))),
    "url": _k("site_web url website", TEXT, lambda v: v.fake.url(),
              note="a URL: not personal data"),
    "country": _k("pays country nationalite", TEXT,
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
