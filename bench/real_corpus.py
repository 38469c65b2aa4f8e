"""A labelled corpus of *real* published French tables (``bench/real/``), for scoring.

Nobody at Registre wrote these rows: they are small extracts of files that French
administrations (or reusers of their open data) publish, each cited below with its
URL. Only rows that are already public are kept, a few dozen at most per file. The
labelling rule for ambiguous columns is written in ``docs/benchmarks.md`` ("Real
published data"); in short, a column is labelled with an entity type when, in the
rows of *this* table, its values identify or describe a natural person through it:

* the commune, département or constituency of an elected mandate, a commune of a
  reference table of places, an organisation's address, e-mail or switchboard: none;
* a SIREN/SIRET is labelled (personal) only where the rows are sole traders;
* a social-network handle is a ``USERNAME``; a personal web site is not labelled;
* a country of birth is tolerated as LOCATION (neither required nor wrong);
* the political group or party of a named person is POLITICAL_OPINION (Art. 9, even
  when the person made it public); its bare code (``SOC``, ``LR``) is tolerated;
* an epoch timestamp of a birth date is a DATE_OF_BIRTH like any other spelling.

The Dutch algorithm register (``../shared/data``, no personal data at all) is added
when present, as in :mod:`bench.quality`.
"""

from __future__ import annotations

import contextlib
import csv
from dataclasses import dataclass
from pathlib import Path

from .corpus import LabelledColumn, LabelledTable, dutch_register_tables

REAL_DIR = Path(__file__).resolve().parent / "real"


@dataclass(frozen=True)
class RealFile:
    """One extract: where it comes from, its delimiter and its column-level gold."""

    file: str
    source: str
    delimiter: str
    gold: dict[str, frozenset[str]]
    tolerated: dict[str, frozenset[str]] | None = None


def _g(*types: str) -> frozenset[str]:
    return frozenset(types)


_PERSON, _DOB = _g("PERSON"), _g("DATE_OF_BIRTH")
_RNE_GOLD = {"Nom de l'élu": _PERSON, "Prénom de l'élu": _PERSON, "Date de naissance": _DOB}

FILES: tuple[RealFile, ...] = (
    RealFile(
        "deputes_datan.csv",
        "Datan, « Députés en activité » (data.gouv.fr, from the Assemblée nationale's open "
        "data), as stored in https://github.com/oZ-0/pyprotege/blob/1b163bdb2d10c8991becb36ebe"
        "6276515a36dfb0/deputes-active.csv (first 40 rows)",
        ",",
        {
            "nom": _PERSON,
            "prenom": _PERSON,
            "naissance": _DOB,
            "mail": _g("EMAIL_ADDRESS"),
            "twitter": _g("USERNAME"),
            "facebook": _g("USERNAME"),
            "groupe": _g("POLITICAL_OPINION"),
        },
        {"groupeAbrev": _g("POLITICAL_OPINION")},
    ),
    RealFile(
        "laposte_hexasmal.csv",
        "La Poste, « Base officielle des codes postaux » (data.gouv.fr), as stored in "
        "https://github.com/giloop/parrainages-communes-2022/blob/498a55e115c6deaf2e2c7a1abe03"
        "b94dd768a26e/laposte_hexasmal.csv (40 rows of Corse, Gard, Haute-Garonne)",
        ";",
        {},
    ),
    RealFile(
        "rne_maires.csv",
        "Ministère de l'Intérieur, « Répertoire national des élus » (data.gouv.fr, "
        "elus-maires), rows quoted in public code (find_string, RNE importers' fixtures)",
        ";",
        _RNE_GOLD,
    ),
    RealFile(
        "rne_conseillers_arrondissement.csv",
        "Ministère de l'Intérieur, « Répertoire national des élus », conseillers "
        "d'arrondissement (data.gouv.fr), one row quoted in public code",
        ";",
        _RNE_GOLD,
    ),
    RealFile(
        "rne_deputes.csv",
        "Ministère de l'Intérieur, « Répertoire national des élus », députés "
        "(elus-deputes-dep.csv, data.gouv.fr), one row quoted in a public README",
        ";",
        _RNE_GOLD,
    ),
    RealFile(
        "api_entreprise_mandataires_sociaux.csv",
        "API Entreprise, infogreffe/mandataires_sociaux payload, "
        "https://github.com/etalab/siade_staging_data/blob/f884e570d66e3b23b3270769afb4120f7f"
        "366ad5/payloads/api_entreprise_v3_infogreffe_mandataires_sociaux/200.yaml (flattened)",
        ",",
        {
            "nom": _PERSON,
            "prenom": _PERSON,
            "date_naissance": _DOB,
            "date_naissance_timestamp": _DOB,
            "lieu_naissance": _g("LOCATION"),
        },
        {"pays_naissance": _g("LOCATION")},
    ),
    RealFile(
        "api_entreprise_unites_legales.csv",
        "API Entreprise, insee/unites_legales payload of a sole trader, "
        "https://github.com/etalab/siade_staging_data/blob/1d531dbd2796ba121f191f662c1847381f"
        "f9b998/payloads/api_entreprise_v3_insee_unites_legales/personne_physique_diffusible"
        ".yaml (flattened)",
        ",",
        {
            "siren": _g("FR_SIREN"),
            "siret_siege_social": _g("FR_SIRET"),
            "prenom_usuel": _PERSON,
            "prenom_1": _PERSON,
            "prenom_2": _PERSON,
            "prenom_3": _PERSON,
            "nom_naissance": _PERSON,
        },
    ),
    RealFile(
        "api_entreprise_unites_legales_personnes_morales.csv",
        "API Entreprise, insee/unites_legales payloads of legal persons, "
        "https://github.com/etalab/siade_staging_data/blob/586f05f4cccc9fbd1e7953899ac02ed2c9"
        "e5c426/payloads/api_entreprise_v3_insee_unites_legales/personne_morale.yaml and "
        "(flattened)",
        ",",
        {},
    ),
    RealFile(
        "rna_association.csv",
        "API Entreprise, ministère de l'Intérieur (RNA) association payload, "
        "https://github.com/etalab/siade_staging_data/blob/main/payloads/"
        "api_entreprise_v4_mi_unites_legales/README.md (flattened)",
        ",",
        {},
    ),
)


#: Extracts added after the rules were written, scored without changing them (bench/real/heldout/).
HELD_OUT: tuple[RealFile, ...] = (
    RealFile(
        "heldout/communes_postal_codes.csv",
        "communes with their postal codes, départements and regions, as stored in "
        "https://github.com/scascar/exoWeb/blob/bf2ffb7fd0cd0b6a159d1d5e6ba8313c7d860898/data.js "
        "(first 30 records, JSON to CSV)",
        ",",
        {},
    ),
    RealFile(
        "heldout/rne_membres_assemblee.csv",
        "Ministère de l'Intérieur, « Répertoire national des élus », membres des assemblées "
        "des collectivités à statut particulier (data.gouv.fr), one row quoted in public code",
        ";",
        _RNE_GOLD,
    ),
)


def _read(spec: RealFile) -> LabelledTable:
    path = REAL_DIR / spec.file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=spec.delimiter))
    header, data = rows[0], rows[1:]
    unknown = (set(spec.gold) | set(spec.tolerated or {})) - set(header)
    if unknown:
        raise ValueError(f"{spec.file}: gold names unknown columns {sorted(unknown)}")
    columns = tuple(
        LabelledColumn(
            name=name,
            data_type="text",  # a CSV export: every column is text, as the files connector reads it
            values=tuple((row[i] if i < len(row) else "") or None for row in data),
            expected=spec.gold.get(name, frozenset()),
            tolerated=(spec.tolerated or {}).get(name, frozenset()),
            note=spec.source,
        )
        for i, name in enumerate(header)
    )
    return LabelledTable(f"real.{path.stem}", "real", columns)


def held_out_tables() -> list[LabelledTable]:
    """The extracts of ``bench/real/heldout/`` (see :data:`HELD_OUT`)."""
    return [_read(spec) for spec in HELD_OUT]


def real_tables(*, dutch_rows: int = 40) -> list[LabelledTable]:
    """Every extract of ``bench/real/``, plus one table of the Dutch register when present."""
    tables = [_read(spec) for spec in FILES]
    with contextlib.suppress(FileNotFoundError):
        tables += dutch_register_tables(rows=dutch_rows)[:1]
    return tables
