"""The controlled vocabularies DCAT-AP names, as URIs: EU authority tables (data themes,
frequencies, access rights, file types) and the licences of French open data.

Both ways: the catalogue writes these URIs, the importer reads them back.
"""

from __future__ import annotations

from registre.catalog.enums import DataTheme, Frequency, Licence, OpenDataAccess

AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = AUTHORITY + "data-theme"
FREQUENCY = AUTHORITY + "frequency"
ACCESS_RIGHT = AUTHORITY + "access-right"
FILE_TYPE = AUTHORITY + "file-type"

#: the licence URIs data.gouv.fr publishes (décret 2017-638: Licence Ouverte 2.0, ODbL)
LICENCE_URIS = {
    Licence.LICENCE_OUVERTE_2_0: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
}


#: French labels of the EU data themes (the authority table's own)
THEME_LABELS = {
    DataTheme.AGRI: "Agriculture, pêche, sylviculture et alimentation",
    DataTheme.ECON: "Économie et finances",
    DataTheme.EDUC: "Éducation, culture et sport",
    DataTheme.ENER: "Énergie",
    DataTheme.ENVI: "Environnement",
    DataTheme.GOVE: "Gouvernement et secteur public",
    DataTheme.HEAL: "Santé",
    DataTheme.INTR: "Questions internationales",
    DataTheme.JUST: "Justice, système juridique et sécurité publique",
    DataTheme.OP_DATPRO: "Données provisoires",
    DataTheme.REGI: "Régions et villes",
    DataTheme.SOCI: "Population et société",
    DataTheme.TECH: "Science et technologie",
    DataTheme.TRAN: "Transports",
}

SCHEME_TITLES = {
    DATA_THEME: "Thèmes des données (UE)",
    FREQUENCY: "Fréquences (UE)",
    ACCESS_RIGHT: "Droits d'accès (UE)",
    FILE_TYPE: "Types de fichiers (UE)",
}


def label(uri: str) -> str:
    """A term's label: the French one for themes, else its code."""
    code = uri.rsplit("/", 1)[-1]
    theme = theme_of(uri)
    return THEME_LABELS[theme] if theme is not None else code


def theme_uri(theme: DataTheme | str) -> str:
    return f"{DATA_THEME}/{DataTheme(theme).value}"


def frequency_uri(frequency: Frequency | str) -> str:
    return f"{FREQUENCY}/{Frequency(frequency).value}"


def file_type_uri(code: str) -> str:
    return f"{FILE_TYPE}/{code.upper()}"


def access_right_uri(access: OpenDataAccess) -> str:
    """PUBLIC for open data; a published dataset is always open, so the rest is for import."""
    if access in (OpenDataAccess.OPEN, OpenDataAccess.OPEN_WITH_ACCOUNT):
        return f"{ACCESS_RIGHT}/PUBLIC"
    if access is OpenDataAccess.NOT_COMMUNICABLE:
        return f"{ACCESS_RIGHT}/NON_PUBLIC"
    return f"{ACCESS_RIGHT}/RESTRICTED"


def licence_uri(licence: Licence | None, url: str | None) -> str | None:
    if licence is None:
        return None
    return url if licence is Licence.OTHER else LICENCE_URIS[licence]


def _code(uri: str, scheme: str) -> str | None:
    prefix = scheme + "/"
    return uri[len(prefix) :] if uri.startswith(prefix) else None


def theme_of(uri: str) -> DataTheme | None:
    code = _code(uri, DATA_THEME)
    return DataTheme(code) if code in DataTheme.__members__ else None


def frequency_of(uri: str) -> Frequency | None:
    code = _code(uri, FREQUENCY)
    return Frequency(code) if code in Frequency.__members__ else None


def file_type_of(uri_or_label: str) -> str | None:
    """``CSV`` from the EU file-type URI, or from a plain label such as ``csv``."""
    code = _code(uri_or_label, FILE_TYPE) or uri_or_label.rsplit("/", 1)[-1]
    code = code.strip().upper()
    return code if code.replace("_", "").isalnum() and len(code) <= 50 else None


def access_of(uri: str) -> OpenDataAccess | None:
    code = _code(uri, ACCESS_RIGHT)
    return {
        "PUBLIC": OpenDataAccess.OPEN,
        "RESTRICTED": OpenDataAccess.RESTRICTED,
        "NON_PUBLIC": OpenDataAccess.NOT_COMMUNICABLE,
    }.get(code or "")


def licence_of(uri: str) -> tuple[Licence, str | None]:
    """The licence an URI names; ``(OTHER, uri)`` when it is neither LO 2.0 nor ODbL."""
    lowered = uri.lower()
    if "licence-ouverte" in lowered or "etalab-2.0" in lowered or "lov2" in lowered:
        return Licence.LICENCE_OUVERTE_2_0, None
    if "odbl" in lowered:
        return Licence.ODBL, None
    return Licence.OTHER, uri
