"""Ville de Valbourg's tables: their SQL schema, sizes and what a perfect scanner finds.

:data:`GROUND_TRUTH` says which entity types should be found in each column of the demo
city's database (built by :mod:`registre.demo.city`), so tests and benchmarks can score
a scanner.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

__all__ = ["CITY_NAME", "GROUND_TRUTH", "TABLE_SIZES"]

CITY_NAME = "Ville de Valbourg"
DEPARTEMENT = "45"  # Loiret
CODE_POSTAL = "45160"
EMAIL_DOMAIN = "valbourg.fr"

# Rows per table at scale 1.
TABLE_SIZES: dict[str, int] = {
    "agents": 200,
    "usagers_action_sociale": 500,
    "subventions": 150,
    "marches_publics": 150,
    "capteurs_trafic": 2_000,
    "journaux_connexion": 1_000,
}

SCHEMA_SQL = """
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    nom TEXT NOT NULL,
    prenom TEXT NOT NULL,
    courriel_pro TEXT NOT NULL UNIQUE,
    telephone TEXT,
    nir TEXT NOT NULL,
    iban TEXT,
    service TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C')),
    date_entree DATE NOT NULL
);
CREATE TABLE usagers_action_sociale (
    id INTEGER PRIMARY KEY,
    nom TEXT NOT NULL,
    prenom TEXT NOT NULL,
    date_naissance DATE NOT NULL,
    adresse TEXT,
    code_postal TEXT,
    commune TEXT,
    situation_sante TEXT,
    quotient_familial INTEGER,
    commentaire TEXT
);
CREATE TABLE subventions (
    id INTEGER PRIMARY KEY,
    beneficiaire TEXT NOT NULL,
    siret TEXT NOT NULL,
    montant NUMERIC(12, 2) NOT NULL,
    objet TEXT NOT NULL,
    date_attribution DATE NOT NULL
);
CREATE TABLE marches_publics (
    id TEXT PRIMARY KEY,
    acheteur_siret TEXT NOT NULL,
    titulaire_siret TEXT NOT NULL,
    titulaire_denomination TEXT NOT NULL,
    objet TEXT NOT NULL,
    montant NUMERIC(14, 2) NOT NULL,
    date_notification DATE NOT NULL,
    cpv_code TEXT NOT NULL,
    nature TEXT NOT NULL
);
CREATE TABLE capteurs_trafic (
    id INTEGER PRIMARY KEY,
    capteur_id TEXT NOT NULL,
    horodatage TIMESTAMP NOT NULL,
    debit_vehicules INTEGER NOT NULL,
    vitesse_moyenne REAL NOT NULL,
    code_produit TEXT NOT NULL,
    numero_commande TEXT NOT NULL
);
CREATE TABLE journaux_connexion (
    id INTEGER PRIMARY KEY,
    horodatage TIMESTAMP NOT NULL,
    identifiant TEXT NOT NULL,
    adresse_ip TEXT NOT NULL,
    user_agent TEXT,
    succes INTEGER NOT NULL CHECK (succes IN (0, 1))
);
CREATE VIEW v_agents_contact AS SELECT nom, prenom, courriel_pro FROM agents;
"""

_NONE: frozenset[str] = frozenset()

# What a perfect scanner finds, table -> column -> entity types; decoys map to nothing.
_EXPECTED: dict[str, dict[str, AbstractSet[str]]] = {
    "agents": {
        "id": _NONE,
        "nom": {"PERSON"},
        "prenom": {"PERSON"},
        "courriel_pro": {"EMAIL_ADDRESS"},
        "telephone": {"PHONE_NUMBER"},
        "nir": {"FR_NIR"},
        "iban": {"IBAN_CODE"},
        "service": _NONE,
        "grade": _NONE,  # decoy: "A", "B", "C" are civil-service categories
        "date_entree": _NONE,  # a date, not a date of birth
    },
    "usagers_action_sociale": {
        "id": _NONE,
        "nom": {"PERSON"},
        "prenom": {"PERSON"},
        "date_naissance": {"DATE_OF_BIRTH"},
        "adresse": {"LOCATION"},
        "code_postal": _NONE,  # decoy: five digits
        "commune": {"LOCATION"},
        "situation_sante": {"HEALTH"},  # GDPR Art. 9
        "quotient_familial": _NONE,  # decoy: a number
        "commentaire": {"PERSON"},  # free text; about 1 row in 10 names someone
    },
    "subventions": {
        "id": _NONE,
        "beneficiaire": {"PERSON"},  # mostly associations, a few sole traders
        "siret": {"FR_SIRET"},
        "montant": _NONE,
        "objet": _NONE,
        "date_attribution": _NONE,
    },
    "marches_publics": {
        "id": _NONE,
        "acheteur_siret": {"FR_SIRET"},
        "titulaire_siret": {"FR_SIRET"},
        "titulaire_denomination": {"PERSON"},  # companies and some sole traders
        "objet": _NONE,
        "montant": _NONE,
        "date_notification": _NONE,
        "cpv_code": _NONE,
        "nature": _NONE,
    },
    "capteurs_trafic": {
        "id": _NONE,
        "capteur_id": _NONE,
        "horodatage": _NONE,
        "debit_vehicules": _NONE,
        "vitesse_moyenne": _NONE,
        "code_produit": _NONE,  # decoy: "REF-0612345678" holds a phone-like number
        "numero_commande": _NONE,  # decoy: 14 digits failing Luhn, not a SIRET
    },
    "journaux_connexion": {
        "id": _NONE,
        "horodatage": _NONE,
        "identifiant": {"USERNAME"},  # "jdupont": an agent's login
        "adresse_ip": {"IP_ADDRESS"},
        "user_agent": _NONE,
        "succes": _NONE,
    },
    "v_agents_contact": {
        "nom": {"PERSON"},
        "prenom": {"PERSON"},
        "courriel_pro": {"EMAIL_ADDRESS"},
    },
}

GROUND_TRUTH: dict[tuple[str, str], set[str]] = {
    (table, column): set(types)
    for table, columns in _EXPECTED.items()
    for column, types in columns.items()
}
"""(table or view, column) -> expected entity types, for every column of the database."""
