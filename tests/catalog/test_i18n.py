"""Messages for people: a :class:`Text` is its English text (byte for byte), keeps its
template and parameters through storage, renders in French through the catalogs, and falls
back to English rather than fail; the CLI's language comes from the environment."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from registre.catalog.compliance import words
from registre.catalog.compliance.rule import code
from registre.catalog.enums import (
    AISystemStatus,
    Art50Trigger,
    AssessmentStatus,
    OpenDataAccess,
    Sensitivity,
    Wp248Criterion,
)
from registre.catalog.i18n import (
    Country,
    Joined,
    Percent,
    Text,
    from_environment,
    negotiate,
    translate,
)


def test_a_text_is_its_english_rendering() -> None:
    inner = Text("hosted in {country}, outside France", country=Country("US"))
    text = Text(
        "{sensitivity} data '{dataset}' on {where}: {problems}",
        sensitivity=Text("CONFIDENTIAL"),
        dataset="rh.agents",
        where=Text("data store '{name}'", name="<script>"),
        problems=Joined([inner, Text("'{name}' is under non-EU control", name="Cloud")]),
    )
    assert text == (
        "CONFIDENTIAL data 'rh.agents' on data store '<script>': hosted in US, outside "
        "France; 'Cloud' is under non-EU control"
    )
    assert translate(text, "en") == text
    assert translate(text, "fr") == (
        "données confidentielles « rh.agents » sur l’entrepôt « <script> » : hébergé hors de "
        "France (pays : États-Unis) ; « Cloud » est sous contrôle extra-européen"
    )


def test_a_text_survives_storage() -> None:
    text = Text(
        "'{name}' lets {processors} handle personal data with no Art. 28 processor contract "
        "recorded",
        name="Agent",
        processors=["A", "B"],
    )
    stored = json.loads(json.dumps(text.as_json()))
    again = Text.from_json(stored)
    assert again == text and again.render("fr") == text.render("fr")
    assert again.render("fr").startswith("« Agent » confie des données personnelles à A, B")
    hosted = Text("hosted in {country}, outside France", country=Country("CH"))
    kept = Text.from_json(json.loads(json.dumps(hosted.as_json())))
    assert kept == "hosted in CH, outside France"
    assert kept.render("fr") == "hébergé hors de France (pays : Suisse)"
    joined = Text("{x}", x=Joined(["a", "b"]))
    assert Text.from_json(json.loads(json.dumps(joined.as_json()))) == "a; b"


def test_unknown_messages_and_broken_translations_fall_back() -> None:
    assert translate("no such message id", "fr") == "no such message id"
    assert translate(Text("a new {thing}", thing="rule"), "fr") == "a new rule"
    assert Text("plain {braces} kept") == "plain {braces} kept"  # no parameter: as written


@pytest.mark.parametrize(
    "enum",
    [AISystemStatus, AssessmentStatus, Sensitivity, OpenDataAccess, Art50Trigger, Wp248Criterion],
)
def test_every_code_a_message_quotes_has_its_french_word(enum: type) -> None:
    for member in enum:
        assert member.value in words.CODES
        quoted = code(member)
        assert quoted == member.value  # English: the code, as always
        french = quoted.render("fr")
        assert french != member.value and french.lower() == french or "Diffusion" in french


def test_a_word_with_two_meanings_is_translated_by_its_context() -> None:
    """RESTRICTED access to open data (authorised users only) is not the RESTRICTED
    sensitivity (« Diffusion Restreinte », II 901), and stays itself through storage."""
    access = code(OpenDataAccess.RESTRICTED)
    sensitivity = code(Sensitivity.RESTRICTED)
    assert access == sensitivity == "RESTRICTED"
    assert sensitivity.render("fr") == "Diffusion Restreinte"
    assert access.render("fr") not in ("RESTRICTED", "Diffusion Restreinte")
    stored = Text.from_json(json.loads(json.dumps(Text("access {a}", a=access).as_json())))
    assert stored.render("fr") == f"access {access.render('fr')}"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "fr_FR", "LANG": "C"}, "fr"),
        ({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_cli_language_follows_the_environment(environ: dict[str, str], expected: str) -> None:
    assert from_environment(environ) == expected


def test_negotiation() -> None:
    assert negotiate("fr-CA,en;q=0.5", default="en") == "fr"
    assert negotiate("de, en;q=0.1", default="fr") == "en"
    assert negotiate(None, default="en") == "en"
    assert negotiate("en", choice="fr") == "fr"


def test_every_entity_type_the_scanner_emits_reads_as_a_word_in_a_message() -> None:
    """The publication gate quotes entity types: each one the scanner can emit (the
    detection configuration's, and the re-identification finding) reads in French as a
    word, and in English as its code, as before."""
    from registre.scanners.detection.config import default_detection_config
    from registre.scanners.detection.quasi_identifiers import REIDENTIFICATION_RISK

    config = default_detection_config()
    emitted = {*config.entities, REIDENTIFICATION_RISK}
    emitted |= {c.entity_type for c in config.special_categories.categories}
    assert emitted <= set(words.ENTITY_TYPES)
    for entity_type in emitted:
        quoted = Text.in_context(words.ENTITY_TYPE, entity_type)
        assert quoted == entity_type
        assert quoted.render("fr") not in ("", entity_type)


def test_a_publication_blocker_reads_in_french() -> None:
    from registre.catalog.enums import FindingStatus
    from registre.catalog.publication.gate import Blocker

    blocker = Blocker(1, "nir", "FR_NIR", "NATIONAL_IDENTIFIER", FindingStatus.SUGGESTED)
    described = blocker.describe()
    assert described == "'nir' (FR_NIR, suggested, not reviewed)"
    assert "numéro de sécurité sociale (NIR)" in translate(described, "fr")
    assert "FR_NIR" not in translate(described, "fr")


def test_dates_and_numbers_read_the_french_way() -> None:
    """A date, a decimal and a share in a message: as ``str.format`` writes them in English
    (byte for byte as before), the French way in French, before and after storage."""
    message = Text(
        "{share} of {rows} rows on {day}, score {score}, at {at}",
        share=Percent(0.51),
        rows=1200,
        day=dt.date(2026, 11, 29),
        score=0.82,
        at=dt.datetime(2026, 7, 14, 8, 30),
    )
    assert message == "51% of 1200 rows on 2026-11-29, score 0.82, at 2026-07-14 08:30:00"
    french = "51\xa0% of 1200 rows on 29 novembre 2026, score 0,82, at 14 juillet 2026, 08:30"
    assert message.render("fr") == french
    assert Text.from_json(json.loads(json.dumps(message.as_json()))).render("fr") == french
    assert Text.from_json(message.as_json()) == message
    # a format of the template's own still applies in English
    assert Text("{n:.1f}", n=2.25) == "2.2" and Text("{n:.1f}", n=2.25).render("fr") == "2,2"
    assert Text("{n:,}", n=12345).render("fr") == "12\u202f345"  # a narrow no-break space
