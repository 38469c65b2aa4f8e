"""The export for the CNIL PIA tool, from a processing activity."""

from __future__ import annotations

import json

import pytest

from registre.catalog.errors import InvalidInput
from registre.catalog.exports.registry import ExportKind
from tests.catalog.exports.exports_seed import Seeded, export

PIA_QUESTIONS = {111, 112, 113, 121, 122, 123, 211, 212, 213, 214, 215} | set(range(221, 228))


def test_pia_has_the_structure_the_pia_tool_imports(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id)
    data = json.loads(result.content)
    # importData() rejects a file without "pia" and iterates the four lists
    assert list(data) == ["pia", "answers", "measures", "evaluations", "comments"]
    assert all(
        isinstance(data[key], list) for key in ("answers", "measures", "evaluations", "comments")
    )
    pia = data["pia"]
    assert pia["name"] == "Aides sociales facultatives"
    assert pia["status"] == 0 and pia["dpos_names"] == "dpo@valbourg.example"
    assert pia["created_at"] == "2026-03-02T09:30:00.000Z"
    answers = {a["reference_to"]: a for a in data["answers"]}
    assert set(answers) <= PIA_QUESTIONS
    assert {111, 112, 121, 123, 211, 212, 215, 226, 227} <= set(answers)
    for answer in data["answers"]:
        assert set(answer["data"]) == {"text", "gauge", "list"}
        assert isinstance(answer["reference_to"], int)
    assert "NATIONAL_IDENTIFIER (FR_NIR)" in answers[121]["data"]["text"]
    assert "Art. 6(1)(e)" in answers[212]["data"]["text"]
    assert "Art. 9(2)(b)" in answers[212]["data"]["text"]
    assert "US (SCC (Art. 46))" in answers[227]["data"]["text"]
    assert "MARCHE-2025-017" in answers[226]["data"]["text"]
    assert "aides/demandes (SQLITE, hébergé en FR)" in answers[123]["data"]["text"]
    (measure,) = data["measures"]
    assert "Chiffrement au repos" in measure["content"]
    assert data["evaluations"] == [] and data["comments"] == []


def test_pia_escapes_html(seeded: Seeded) -> None:
    data = json.loads(
        export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id).content
    )
    text = {a["reference_to"]: a["data"]["text"] for a in data["answers"]}[111]
    assert "Tri des demandes d&#x27;aide" in text


def test_pia_needs_a_processing_activity(seeded: Seeded) -> None:
    with pytest.raises(InvalidInput, match="processingActivityId"):
        export(seeded, ExportKind.PIA)
