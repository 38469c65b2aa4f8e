"""The column classifier on generated French tables: right entity per column,
nothing on decoys, and no raw value in any finding."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from faker import Faker
from stdnum import luhn
from stdnum.fr import nif, nir

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection.classifier import Classifier, classify_table
from registre.scanners.detection.columns import SampledColumn, type_family
from registre.scanners.detection.config import (
    load_detection_config,
    normalize_column_name,
)
from registre.scanners.errors import ScanError

ROWS = 200
REAL_CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nice",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Reims",
    "Le Havre",
    "Toulon",
    "Grenoble",
    "Dijon",
    "Angers",
    "Nîmes",
    "Villeurbanne",
    "Clermont-Ferrand",
]


def _nir(rng: random.Random) -> str:
    base = (
        f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}"
        f"{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    )
    return base + nir.calc_check_digits(base)  # key = 97 - (n mod 97)


def _siren(rng: random.Random) -> str:
    base = str(rng.randint(10**7, 10**8 - 1))
    return base + luhn.calc_check_digit(base)


def _siret(rng: random.Random) -> str:
    base = _siren(rng) + f"{rng.randint(0, 9999):04d}"
    return base + luhn.calc_check_digit(base)


def _nif(rng: random.Random) -> str:
    base = f"{rng.randint(0, 3)}{rng.randint(0, 10**9 - 1):09d}"
    return base + nif.calc_check_digits(base)


def _spaced_nir(rng: random.Random) -> str:
    n = _nir(rng)
    return f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"


def _order_number(rng: random.Random) -> str:
    while True:  # 14-digit order numbers that fail Luhn: not SIRETs
        number = str(rng.randint(10**13, 10**14 - 1))
        if not luhn.is_valid(number):
            return number


def _comment_with_names(fake: Faker, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"Appel de {fake.first_name()} {fake.last_name()} au sujet du dossier, à rappeler."
    return fake.sentence(nb_words=10)


# column name -> (data type, value factory, expected entity or None)
Factory = Callable[[Faker, random.Random], object]
COLUMNS: dict[str, tuple[str, Factory, str | None]] = {
    "nir": ("varchar(15)", lambda f, r: _nir(r), "FR_NIR"),
    "num_secu": ("bigint", lambda f, r: int(_nir(r)), "FR_NIR"),
    "identifiant": ("varchar", lambda f, r: _spaced_nir(r), "FR_NIR"),  # no name prior
    "siren": ("varchar", lambda f, r: _siren(r), "FR_SIREN"),
    "siret_etablissement": ("varchar", lambda f, r: _siret(r), "FR_SIRET"),
    "numero_fiscal": ("varchar", lambda f, r: _nif(r), "FR_NIF"),
    "passeport": (
        "varchar",
        lambda f, r: (
            f"{r.randint(10, 99)}{f.random_uppercase_letter()}"
            f"{f.random_uppercase_letter()}{r.randint(10000, 99999)}"
        ),
        "FR_PASSPORT",
    ),
    "iban": ("varchar", lambda f, r: f.iban(), "IBAN_CODE"),
    "courriel": ("varchar", lambda f, r: f.email(), "EMAIL_ADDRESS"),
    "contact": ("text", lambda f, r: f.free_email(), "EMAIL_ADDRESS"),
    "telephone": ("varchar", lambda f, r: f.phone_number(), "PHONE_NUMBER"),
    "portable": (
        "bigint",
        lambda f, r: int("6" + f"{r.randint(10**7, 10**8 - 1)}"),
        "PHONE_NUMBER",
    ),
    "nom": ("varchar", lambda f, r: f.last_name(), "PERSON"),
    "prenom": ("varchar", lambda f, r: f.first_name(), "PERSON"),
    "LastName": ("varchar", lambda f, r: f.last_name(), "PERSON"),
    "adresse": ("varchar", lambda f, r: f.street_address(), "LOCATION"),
    "adresse_postale": ("text", lambda f, r: f.address(), "LOCATION"),
    "ville": ("varchar", lambda f, r: r.choice(REAL_CITIES), "LOCATION"),
    "code_postal": ("varchar(5)", lambda f, r: f.postcode(), "LOCATION"),
    "date_naissance": ("date", lambda f, r: f.date_of_birth(), "DATE_OF_BIRTH"),
    "birthDate": ("varchar", lambda f, r: f.date_of_birth().strftime("%d/%m/%Y"), "DATE_OF_BIRTH"),
    "adresse_ip": ("varchar", lambda f, r: f.ipv4(), "IP_ADDRESS"),
    "numero_carte": ("varchar", lambda f, r: f.credit_card_number("visa16"), "CREDIT_CARD"),
    "pathologie": (
        "varchar",
        lambda f, r: r.choice(["diabète", "asthme", "handicap", "ALD", "aucune"]),
        "HEALTH",
    ),
    "observations": (
        "varchar",
        lambda f, r: r.choice(
            [
                "Diabète de type 2",
                "asthme sévère",
                "handicap moteur",
                "ALD 30",
                "allergie arachide",
                "RAS",
            ]
        ),
        "HEALTH",
    ),
    "religion": (
        "varchar",
        lambda f, r: r.choice(["catholique", "musulman", "sans religion"]),
        "RELIGION",
    ),
    "regime_cantine": (
        "varchar",
        lambda f, r: r.choice(["halal", "casher", "standard"]),
        "RELIGION",
    ),
    "syndicat": (
        "varchar",
        lambda f, r: r.choice(["CGT", "CFDT", "FO", "aucun"]),
        "UNION_MEMBERSHIP",
    ),
    "casier_judiciaire": (
        "varchar",
        lambda f, r: r.choice(["néant", "vol", "escroquerie"]),
        "CRIMINAL_OFFENCE",
    ),
    "est_handicape": ("boolean", lambda f, r: r.random() < 0.1, "HEALTH"),
    # decoys
    "nom_fichier": ("varchar", lambda f, r: f.file_name(), None),
    "nom_produit": ("varchar", lambda f, r: f.word().capitalize(), None),
    "email_verifie": ("integer", lambda f, r: r.randint(0, 1), None),
    "quotient_familial": ("integer", lambda f, r: r.randint(300, 2500), None),
    "grade": ("varchar(1)", lambda f, r: r.choice("ABC"), None),
    "ref_produit": ("varchar", lambda f, r: "06" + f"{r.randint(0, 10**8 - 1):08d}", None),
    "num_commande": ("varchar", lambda f, r: _order_number(r), None),
    "montant": ("numeric(10,2)", lambda f, r: round(r.random() * 1000, 2), None),
    "statut": ("varchar", lambda f, r: r.choice(["actif", "inactif", "suspendu"]), None),
    "date_creation": ("timestamp", lambda f, r: f.date_time_this_decade(), None),
    "uuid": ("uuid", lambda f, r: f.uuid4(), None),
    "nb_enfants": ("integer", lambda f, r: r.randint(0, 6), None),
    "id": ("bigint", lambda f, r: r.randint(10**8, 10**9 - 1), None),  # 9 digits, 1 in 10 Luhn
}


@pytest.fixture(scope="module")
def table() -> list[SampledColumn]:
    fake = Faker("fr_FR")
    Faker.seed(2026)
    rng = random.Random(2026)
    columns = [
        SampledColumn(name, data_type, [factory(fake, rng) for _ in range(ROWS)])
        for name, (data_type, factory, _) in COLUMNS.items()
    ]
    # A few missing values, as in real tables.
    return [
        dataclasses.replace(c, values=[*c.values[:-5], None, None, "", " ", None])
        if c.data_type != "boolean"
        else c
        for c in columns
    ]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


@pytest.fixture(scope="module")
def findings(classifier: Classifier, table: list[SampledColumn]) -> dict[str, list[ColumnFinding]]:
    """Column findings (the table-level re-identification finding has its own tests)."""
    found = classifier.classify_table("usagers", table)
    return {
        name: [f for f in column if f.entity_type != "REIDENTIFICATION_RISK"]
        for name, column in found.items()
    }


@pytest.mark.parametrize("column", [n for n, spec in COLUMNS.items() if spec[2]])
def test_expected_entity(findings: dict[str, list[ColumnFinding]], column: str) -> None:
    expected = COLUMNS[column][2]
    got = findings[column]
    assert [f.entity_type for f in got] == [expected], got
    finding = got[0]
    assert finding.score >= 0.5
    assert not finding.free_text


@pytest.mark.parametrize("column", [n for n, spec in COLUMNS.items() if spec[2] is None])
def test_no_finding_on_decoys(findings: dict[str, list[ColumnFinding]], column: str) -> None:
    assert findings[column] == []


def test_categories_and_flags(findings: dict[str, list[ColumnFinding]]) -> None:
    by_column = {name: fs[0] for name, fs in findings.items() if fs}
    assert by_column["nir"].category == "NATIONAL_IDENTIFIER"
    assert by_column["siren"].category == "BUSINESS_IDENTIFIER"
    assert by_column["siren"].may_be_personal and by_column["siret_etablissement"].may_be_personal
    assert not by_column["nir"].may_be_personal
    assert by_column["iban"].category == "FINANCIAL"
    assert by_column["courriel"].category == "CONTACT"
    assert by_column["adresse_ip"].category == "ONLINE_IDENTIFIER"
    assert by_column["prenom"].category == "IDENTITY"
    assert by_column["date_naissance"].category == "IDENTITY"
    assert by_column["pathologie"].category == "SPECIAL_CATEGORY"
    assert by_column["casier_judiciaire"].category == "CRIMINAL_OFFENCE"
    assert by_column["nir"].name_signal == "nir"
    assert by_column["identifiant"].name_signal is None
    assert by_column["nir"].coverage == 1.0
    assert by_column["nir"].distinct_sampled > 150
    assert by_column["nir"].recognizer == "FrNirRecognizer"
    assert by_column["nir"].masked_example is not None
    assert "** ** *** ***" in by_column["nir"].masked_example


def test_no_raw_value_in_any_finding(
    table: list[SampledColumn], findings: dict[str, list[ColumnFinding]]
) -> None:
    for column in table:
        raw = {
            str(v).strip()
            for v in column.values
            if v is not None and not isinstance(v, bool) and len(str(v).strip()) > 3
        }
        raw |= {v.isoformat() for v in column.values if hasattr(v, "isoformat")}
        for finding in findings[column.name]:
            fields = [str(getattr(finding, f.name)) for f in dataclasses.fields(finding)]
            text = " | ".join(fields)
            leaked = [v for v in raw if v in text]
            assert not leaked, (column.name, finding)


def test_free_text_with_names_is_only_a_low_score_suggestion(classifier: Classifier) -> None:
    fake = Faker("fr_FR")
    Faker.seed(5)
    rng = random.Random(5)
    comments = [_comment_with_names(fake, rng) for _ in range(ROWS)]
    result = classifier.classify_column(SampledColumn("commentaire", "text", comments))
    assert result, "names mentioned in 30% of the comments should be suggested"
    for finding in result:
        assert finding.free_text
        assert finding.score <= 0.4
        assert finding.entity_type == "PERSON"


def test_free_text_without_names_gives_nothing_confident(classifier: Classifier) -> None:
    fake = Faker("fr_FR")
    Faker.seed(6)
    comments = [fake.paragraph() for _ in range(ROWS)]
    result = classifier.classify_column(SampledColumn("commentaire", "text", comments))
    assert all(f.free_text and f.score <= 0.4 for f in result)


def test_a_lone_hit_never_labels_a_column(classifier: Classifier) -> None:
    fake = Faker("fr_FR")
    Faker.seed(8)
    values: list[object] = [fake.word() for _ in range(ROWS)]
    values[10] = "jean.dupont@ille.gouv.fr"
    assert classifier.classify_column(SampledColumn("libre", "varchar", values)) == []


def test_name_only_when_nothing_was_sampled(classifier: Classifier) -> None:
    result = classifier.classify_column(SampledColumn("courriel", "varchar", [None, None]))
    assert [f.entity_type for f in result] == ["EMAIL_ADDRESS"]
    assert result[0].coverage == 0.0 and result[0].distinct_sampled == 0
    assert classifier.classify_column(SampledColumn("libelle", "varchar", [])) == []


def test_numbers_from_drivers(classifier: Classifier) -> None:
    """NUMERIC(15,0) comes back as Decimal, spreadsheets give floats: both stay identifiers."""
    from decimal import Decimal

    rng = random.Random(3)
    nirs = [_nir(rng) for _ in range(40)]
    as_decimal = [Decimal(n) for n in nirs] + [Decimal("NaN"), Decimal("1.5")]
    as_float = [float(n[:12]) for n in nirs] + [float("inf")]
    found = classifier.classify_column(SampledColumn("nir", "numeric(15,0)", as_decimal))
    assert [f.entity_type for f in found] == ["FR_NIR"]
    assert classifier.classify_column(SampledColumn("mesure", "double", as_float)) == []


def test_module_level_convenience_and_ner_off() -> None:
    column = SampledColumn("courriel", "varchar", ["a.b@exemple.fr", "c.d@exemple.fr"])
    assert classify_table("t", [column])["courriel"][0].entity_type == "EMAIL_ADDRESS"
    no_ner = Classifier(use_ner=False)
    assert no_ner.classify_column(column)[0].entity_type == "EMAIL_ADDRESS"


@pytest.mark.parametrize(
    ("data_type", "family"),
    [
        ("VARCHAR(255)", "text"),
        ("BIGINT", "integer"),
        ("timestamp with time zone", "date"),
        ("BOOLEAN", "boolean"),
        ("tinyint(1)", "boolean"),
        ("bytea", "binary"),
        ("numeric(10,2)", "float"),
        ("numeric(15,0)", "integer"),
        ("double precision", "float"),
        ("TEXT", "text"),
    ],
)
def test_type_family(data_type: str, family: str) -> None:
    assert type_family(data_type) == family


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("date_naissance", "date naissance"),
        ("dateNaissance", "date naissance"),
        ("NOM-USAGE", "nom usage"),
        ("Né_le", "ne le"),
        ("adresse.ip", "adresse ip"),
    ],
)
def test_column_name_normalisation(name: str, normalized: str) -> None:
    assert normalize_column_name(name) == normalized


def _shipped_config() -> dict[str, object]:
    from importlib import resources

    shipped = resources.files("registre.config").joinpath("detection.yaml")
    return yaml.safe_load(shipped.read_text(encoding="utf-8"))


def test_config_refuses_unknown_keys(tmp_path: Path) -> None:
    data = _shipped_config()
    data["thresholds"] = {"x": 1}
    path = tmp_path / "detection.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScanError, match="thresholds"):
        load_detection_config(path)


def test_config_refuses_bad_regex_and_unknown_entity(tmp_path: Path) -> None:
    data = _shipped_config()
    data["name_priors"][0]["pattern"] = "(unclosed"  # type: ignore[index]
    path = tmp_path / "detection.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScanError, match="invalid regex"):
        load_detection_config(path)
    data = _shipped_config()
    data["name_priors"][0]["entity_type"] = "FR_NOPE"  # type: ignore[index]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScanError, match="FR_NOPE"):
        load_detection_config(path)
