"""The messages a person meets when something is missing or refused read in French, each
family rendered from its template (never by matching English text): a missing optional
driver, a store URL the connectors refuse, the queue's and the configuration files' errors,
an interrupted run, pydantic's own validation errors, by type and with their context."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from registre.catalog.compliance.config import load_compliance_config
from registre.catalog.data.scan_errors import detail, error_record
from registre.catalog.enums import AISystemStatus
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text, translate
from registre.catalog.pydantic_messages import pydantic_message
from registre.catalog.service import validate
from registre.scanners.connectors.files import folder_from_url
from registre.scanners.connectors.mysql_sql import connect_args
from registre.scanners.connectors.postgresql_sql import connection_params
from registre.scanners.connectors.registry import connector_for
from registre.scanners.detection.config import load_detection_config
from registre.scanners.errors import ScanError, ScanErrorKind
from registre.scanners.runs.dispatch import API_STOPPED
from registre.scanners.runs.queue import conninfo
from registre.scanners.runs.stopping import ScanStopped, Terminated, interruption_message


def _french(exc: BaseException) -> str:
    message = exc.args[0]
    assert isinstance(message, Text), f"not translatable: {message!r}"
    return translate(message, "fr")


def test_a_missing_driver_says_which_extra_to_install_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pymysql", None)  # import pymysql -> ImportError
    with pytest.raises(ScanError) as caught:
        connector_for("mysql://u@127.0.0.1/db")
    assert str(caught.value) == "the MySQL/MariaDB connector needs pymysql: install registre[mysql]"
    assert _french(caught.value) == (
        "le connecteur MySQL/MariaDB demande pymysql : installez registre[mysql]"
    )


@pytest.mark.parametrize(
    ("raising", "french"),
    [
        (
            lambda: connection_params("postgresql://u@h/db?sslkey=/etc/key", "postgresql://h/db"),
            "URL PostgreSQL invalide postgresql://h/db : ",
        ),
        (
            lambda: connect_args("mysql://u@h/db?read_default_file=/x", "mysql://h/db", 30),
            "URL MySQL invalide mysql://h/db : ",
        ),
        (lambda: folder_from_url("file://elsewhere/data"), "pas l’hôte elsewhere"),
        (lambda: connector_for("ftp://h/x"), "schéma d’URL d’entrepôt non pris en charge 'ftp'"),
        (lambda: connector_for("  "), "URL d’entrepôt vide"),
        (lambda: connector_for("mysql:relative"), "une URL de base de données a « // »"),
    ],
)
def test_urls_the_connectors_refuse_read_in_french(raising: object, french: str) -> None:
    with pytest.raises(ScanError) as caught:
        raising()  # type: ignore[operator]
    assert french in _french(caught.value)


def test_the_queue_and_the_configuration_files_errors_read_in_french(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as caught:
        conninfo("sqlite:///catalog.db")
    assert _french(caught.value).startswith("la file d’analyses demande un catalogue PostgreSQL")
    bad = tmp_path / "detection.yaml"
    bad.write_text("nonsense: [1\n", encoding="utf-8")
    with pytest.raises(ScanError) as caught:
        load_detection_config(bad)
    assert _french(caught.value).startswith(f"configuration de détection invalide : {bad} n’est")
    with pytest.raises(ScanError) as caught:
        load_detection_config(tmp_path / "absent.yaml")
    assert "Aucun fichier ou dossier de ce nom" in _french(caught.value)
    unknown = tmp_path / "compliance.yaml"
    unknown.write_text("unknown_key: 1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_compliance_config(unknown)
    french = translate(refused.value.message, "fr")
    assert french.startswith("configuration de conformité invalide : ")
    assert "unknown_key : Champ inconnu" in french or "unknown_key: Champ inconnu" in french


def test_an_interrupted_run_says_why_in_french() -> None:
    cases = {
        Terminated("SIGTERM"): "interrompue avant la fin (SIGTERM)",
        ScanStopped(API_STOPPED): "interrompue avant la fin (l’API s’est arrêtée)",
        KeyboardInterrupt(): "interrompue avant la fin",
    }
    for exc, french in cases.items():
        message = interruption_message(exc)
        assert str(message).startswith("interrupted before the end")
        assert translate(message, "fr") == french
        # as the run keeps it (its template), read again later in French
        entry = error_record(None, ScanErrorKind.CANCELLED, message)
        assert translate(detail(entry), "fr") == french


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: AISystemStatus | None = None
    name: str | None = Field(None, min_length=2, max_length=5)
    days: int | None = Field(None, ge=1, le=3650)
    share: float | None = Field(None, gt=0.5)
    since: dt.date | None = None


@pytest.mark.parametrize(
    ("data", "kind", "french"),
    [
        ({"status": "LIVE"}, "enum", "Valeur attendue : 'PLANNED', "),
        ({"name": "x"}, "string_too_short", "Au moins 2 caractères sont attendus"),
        ({"name": "abcdef"}, "string_too_long", "Au plus 5 caractères sont permis"),
        ({"days": 0}, "greater_than_equal", "La valeur doit être supérieure ou égale à 1"),
        ({"days": 9999}, "less_than_equal", "La valeur doit être inférieure ou égale à 3650"),
        ({"share": 0.25}, "greater_than", "La valeur doit être strictement supérieure à 0,5"),
        ({"since": "2026-13-01"}, "date_from_datetime_parsing",
         "Une date est attendue (le mois doit être compris entre 1 et 12)"),
        ({"since": "2026-1"}, "date_from_datetime_parsing", "Une date est attendue (trop courte)"),
        ({"days": "many"}, "int_parsing", "Un nombre entier est attendu"),
        ({"other": 1}, "extra_forbidden", "Champ inconnu"),
    ],
)  # fmt: skip
def test_pydantic_errors_read_in_french_by_type(
    data: dict[str, object], kind: str, french: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(data)
    error = caught.value.errors()[0]
    assert error["type"] == kind
    message = pydantic_message(error)
    assert str(message) == error["msg"]  # English: pydantic's own words
    assert translate(message, "fr").startswith(french)
    with pytest.raises(InvalidInput) as refused:
        validate(_Form, data)
    assert translate(refused.value.message, "fr").startswith(french)


def test_the_enum_choices_end_with_ou() -> None:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate({"status": "LIVE"})
    french = translate(pydantic_message(caught.value.errors()[0]), "fr")
    assert french.endswith(" ou 'RETIRED'"), french
    assert " or " not in french
