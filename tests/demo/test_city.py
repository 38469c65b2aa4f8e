"""The Ville de Valbourg demo database: shape, valid identifiers, decoys, determinism."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
import pytest
from stdnum import iban, luhn
from stdnum.fr import nir, siret

from registre.catalog.errors import InvalidInput
from registre.demo.city import GROUND_TRUTH, TABLE_SIZES, CityStats, build_city_database

KNOWN_ENTITY_TYPES = {
    "FR_NIR", "FR_SIRET", "IBAN_CODE", "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "LOCATION",
    "DATE_OF_BIRTH", "IP_ADDRESS", "HEALTH", "USERNAME",
}  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[CityStats, float]:
    path = tmp_path_factory.mktemp("city") / "valbourg.sqlite"
    started = time.perf_counter()
    stats = build_city_database(path)
    return stats, time.perf_counter() - started


@pytest.fixture(scope="module")
def db(city: tuple[CityStats, float]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{city[0].path}?mode=ro", uri=True)
    yield connection
    connection.close()


def column(db: sqlite3.Connection, table: str, name: str) -> list[object]:
    return [row[0] for row in db.execute(f'SELECT "{name}" FROM "{table}"')]


def test_tables_and_view_exist_with_their_row_counts(
    city: tuple[CityStats, float], db: sqlite3.Connection
) -> None:
    stats, _ = city
    objects = dict(db.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"))
    assert {name for name, kind in objects.items() if kind == "table"} == set(TABLE_SIZES)
    assert objects["v_agents_contact"] == "view"
    assert stats.rows == TABLE_SIZES
    for table, expected in TABLE_SIZES.items():
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (expected,)
    assert db.execute("SELECT count(*) FROM v_agents_contact").fetchone() == (200,)
    assert stats.total_rows == sum(TABLE_SIZES.values())


def test_build_is_fast(city: tuple[CityStats, float]) -> None:
    assert city[1] < 3.0


@pytest.mark.parametrize(
    ("table", "name", "is_valid"),
    [
        ("agents", "nir", nir.is_valid),
        ("agents", "iban", iban.is_valid),
        ("subventions", "siret", siret.is_valid),
        ("marches_publics", "acheteur_siret", siret.is_valid),
        ("marches_publics", "titulaire_siret", siret.is_valid),
    ],
)
def test_identifiers_pass_their_checksums(
    db: sqlite3.Connection, table: str, name: str, is_valid: object
) -> None:
    values = column(db, table, name)
    assert values
    invalid = [v for v in values if not is_valid(v)]  # type: ignore[operator]
    assert invalid == []


def test_nir_covers_corsica_and_french_ibans_have_a_rib_key(db: sqlite3.Connection) -> None:
    nirs = [nir.compact(str(v)) for v in column(db, "agents", "nir")]
    assert any(v[5:7] in ("2A", "2B") for v in nirs)
    for value in column(db, "agents", "iban"):
        compact = iban.compact(str(value))
        assert compact.startswith("FR") and len(compact) == 27
        assert int(compact[4:]) % 97 == 0  # bank + branch + account + RIB key


def test_order_numbers_look_like_siret_but_fail_luhn(db: sqlite3.Connection) -> None:
    for value in column(db, "capteurs_trafic", "numero_commande"):
        assert re.fullmatch(r"\d{14}", str(value))
        assert not luhn.is_valid(str(value))
        assert not siret.is_valid(str(value))


def test_contact_columns(db: sqlite3.Connection) -> None:
    emails = column(db, "agents", "courriel_pro")
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\d*@valbourg\.fr", str(e)) for e in emails)
    phones = [str(p) for p in column(db, "agents", "telephone") if p is not None]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, "FR")) for p in phones)
    assert any(p.startswith("+33 ") for p in phones)
    assert any(re.fullmatch(r"0\d{9}", p) for p in phones)
    assert any(re.fullmatch(r"0\d( \d\d){4}", p) for p in phones)


def test_special_categories_and_free_text(db: sqlite3.Connection) -> None:
    health = set(column(db, "usagers_action_sociale", "situation_sante"))
    assert {"diabète", "handicap moteur", "ALD", "aucune"} <= health
    comments = [str(c) for c in column(db, "usagers_action_sociale", "commentaire") if c]
    assert any(re.search(r"\b(M\.|Mme) [A-Z]", c) for c in comments)
    sole_traders = [str(t) for t in column(db, "marches_publics", "titulaire_denomination")]
    assert any(re.fullmatch(r"(M\.|Mme) \S.* \(EI\)", t) for t in sole_traders)
    assert set(column(db, "agents", "grade")) <= {"A", "B", "C"}
    addresses = column(db, "journaux_connexion", "adresse_ip")
    assert any(":" in str(a) for a in addresses) and any("." in str(a) for a in addresses)


def test_ground_truth_names_every_column_and_only_those(db: sqlite3.Connection) -> None:
    query = (
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%'"
    )
    relations = [row[0] for row in db.execute(query)]
    columns = {
        (relation, info[1])
        for relation in relations
        for info in db.execute(f'PRAGMA table_info("{relation}")')
    }
    assert set(GROUND_TRUTH) == columns
    assert set().union(*GROUND_TRUTH.values()) <= KNOWN_ENTITY_TYPES
    assert GROUND_TRUTH[("capteurs_trafic", "numero_commande")] == set()
    assert GROUND_TRUTH[("usagers_action_sociale", "situation_sante")] == {"HEALTH"}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in TABLE_SIZES
        }
    finally:
        connection.close()


def test_same_seed_same_content_other_seed_other_content(tmp_path: Path) -> None:
    build_city_database(tmp_path / "a.sqlite", seed=7)
    build_city_database(tmp_path / "b.sqlite", seed=7)
    build_city_database(tmp_path / "c.sqlite", seed=8)
    a, b, c = (_dump(tmp_path / f"{n}.sqlite") for n in "abc")
    assert a == b
    for table in TABLE_SIZES:
        assert a[table] != c[table], table
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite", "b.sqlite", "c.sqlite"]


def test_scale_multiplies_row_counts(tmp_path: Path) -> None:
    stats = build_city_database(tmp_path / "x2.sqlite", scale=2)
    assert stats.rows == {table: 2 * size for table, size in TABLE_SIZES.items()}


def test_bad_input_is_refused(tmp_path: Path) -> None:
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(InvalidInput, match="already exists"):
        build_city_database(existing)
    assert existing.read_bytes() == b"precious"
    with pytest.raises(InvalidInput, match="scale"):
        build_city_database(tmp_path / "zero.sqlite", scale=0)
    with pytest.raises(InvalidInput, match="does not exist"):
        build_city_database(tmp_path / "missing" / "city.sqlite")
