"""French first, English available: the gettext catalogs are complete and compiled, the
vocabularies have labels, the language follows the browser or the switch."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from registre.catalog import i18n as catalog_i18n
from registre.catalog.enums import Role
from registre.web import i18n
from registre.web.i18n import Translator, negotiate
from registre.web.labels import LABELS, OPEN_LABELS, Vocabulary, label
from tests.support.api import Api
from tests.web.conftest import sign_in

WEB = Path(i18n.__file__).resolve().parent
ROOT = WEB.parent
PO = Path(catalog_i18n.LOCALE_DIR) / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "NC_": ((1, "c"), 2),
    "Text": None,
}


def _used_messages() -> set[tuple[str | None, str]]:
    """Every message the code and the templates mark for translation (as Babel extracts,
    with ``babel.cfg``): the pages, the catalog (errors, compliance messages, the
    classification), the API, the CLI and the scanners."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for part in ("catalog", "web", "cli", "graphql", "scanners"):
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / part), method_map, keywords=KEYWORDS
        ):
            found.add((context, message if isinstance(message, str) else message[0]))
    return found


def test_every_message_has_its_french_translation() -> None:
    with PO.open("rb") as po:
        catalog = read_po(po, locale="fr")
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id
    }
    used = _used_messages()
    assert len(used) > 300
    missing = sorted(m for m in used if not translated.get(m))
    assert missing == []
    for message in catalog:
        if isinstance(message.string, tuple):
            assert all(message.string), message.id  # every plural form


def test_the_compiled_catalog_is_current() -> None:
    """``pybabel compile -d catalog/locale`` after each change of the .po (the .mo is shipped)."""
    compiled = io.BytesIO()
    with PO.open("rb") as po:
        write_mo(compiled, read_po(po, locale="fr"))
    assert MO.read_bytes() == compiled.getvalue()


def test_every_vocabulary_value_has_a_label() -> None:
    t = Translator("fr")
    for vocabulary, table in LABELS.items():
        assert set(table) == {str(m.value) for m in vocabulary}, vocabulary  # type: ignore[attr-defined]
        for member in vocabulary:  # type: ignore[attr-defined]
            shown = label(t, member)
            assert shown and shown != "autre valeur"
            if "_" in str(member.value):
                assert shown != member.value
    for vocabulary, codes in OPEN_LABELS.items():
        for code in codes:
            assert label(t, code, vocabulary) not in (code, "autre valeur")
    assert label(t, "MOBILITY") == "autre valeur"  # a bare code is never shown as itself


def test_every_entity_type_and_category_the_scanner_emits_has_a_label() -> None:
    """A type added to ``config/detection.yaml`` (or the table-level re-identification
    finding) never reaches a page as its code or as "other value"."""
    from registre.scanners.detection.config import default_detection_config
    from registre.scanners.detection.quasi_identifiers import (
        REIDENTIFICATION_CATEGORY,
        REIDENTIFICATION_RISK,
    )

    config = default_detection_config()
    specials = config.special_categories.categories
    entity_types = {*config.entities, *(c.entity_type for c in specials)}
    categories = {rule.category for rule in config.entities.values()}
    categories |= {c.category for c in specials}
    entity_types.add(REIDENTIFICATION_RISK)
    categories.add(REIDENTIFICATION_CATEGORY)
    assert entity_types - set(OPEN_LABELS[Vocabulary.ENTITY_TYPE]) == set()
    assert categories - set(OPEN_LABELS[Vocabulary.CATEGORY]) == set()


def test_french_labels_and_english_ones() -> None:
    from registre.catalog.enums import AISystemStatus, UseArea

    assert label(Translator("fr"), AISystemStatus.IN_PRODUCTION) == "En production"
    assert label(Translator("en"), AISystemStatus.IN_PRODUCTION) == "In production"
    assert label(Translator("fr"), UseArea.MOBILITY) == "Mobilité"


def test_dates_in_french() -> None:
    t = Translator("fr")
    assert t.date(dt.date(2026, 11, 29)) == "29 novembre 2026"
    # stored in UTC, shown in Paris time
    assert t.date(dt.datetime(2026, 7, 14, 8, 30, tzinfo=dt.UTC)) == "14 juil. 2026, 10:30"
    assert Translator("en").date(dt.date(2026, 11, 29)) == "November 29, 2026"
    assert t.percent(0.82) == "82\xa0%"


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "fr"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "de-DE,de;q=0.9", "fr"),
        (None, "de;q=0.9,en;q=0.5,fr;q=0.8", "fr"),
        ("en", "fr-FR", "en"),
        ("xx", "en", "en"),
    ],
)
def test_the_language_of_a_request(cookie: str | None, header: str | None, expected: str) -> None:
    assert negotiate(cookie, header) == expected


def test_the_pages_follow_the_browser_and_the_switch(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    english = site.client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).text
    assert '<html lang="en">' in english and "Dashboard" in english
    assert "Tableau de bord" in site.client.get("/").text
    switched = site.client.get("/langue/en?next=/revue", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/revue"
    page = site.client.get("/revue").text
    assert '<html lang="en">' in page and "Review queue" in page
    site.client.get("/langue/fr?next=/")
    assert "File de revue" in site.client.get("/revue").text


def test_the_switch_comes_back_to_the_same_filtered_page(site: Api) -> None:
    sign_in(site)
    page = site.client.get("/jeux-de-donnees?q=agents").text
    assert 'href="/langue/en?next=/jeux-de-donnees%3Fq%3Dagents"' in page


def test_a_special_category_is_named_once_in_french() -> None:
    """The DPIA issue quotes the category's French word, which already says « catégorie »."""
    from registre.catalog.compliance.rule import code

    message = catalog_i18n.Text(
        "'{name}' uses '{dataset}', which holds {categories} data ({fields}), "
        "and no DPIA is completed",
        name="Aide",
        dataset="s.usagers",
        categories=[code("SPECIAL_CATEGORY")],
        fields=["situation_sante"],
    )
    french = catalog_i18n.translate(message, "fr")
    assert "catégorie particulière (RGPD, art. 9)" in french
    assert "catégorie catégorie" not in french and "SPECIAL_CATEGORY" not in french
