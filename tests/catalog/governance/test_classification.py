"""Guided AI Act classification, table-driven: answers -> risk class, Annex III point, reasons."""

from __future__ import annotations

from typing import Any

import pytest

from registre.catalog.enums import RiskClass
from registre.catalog.errors import InvalidInput
from registre.catalog.governance.classification import (
    ANNEX_III,
    PROHIBITED_PRACTICES,
    ClassificationAnswers,
    classify,
)
from registre.catalog.service import validate

# (case, answers, risk class, annex point, a reason fragment, an obligation fragment)
CASES: list[tuple[str, dict[str, Any], RiskClass, str | None, str, str]] = [
    ("not an AI system", {"is_ai_system": False}, RiskClass.OUT_OF_SCOPE, None,
     "Art. 3(1)", "none under the AI Act"),
    ("military", {"military_or_national_security": True, "annex_iii_point": "6(a)"},
     RiskClass.OUT_OF_SCOPE, None, "Art. 2(3)", "none"),
    ("research only", {"scientific_research_only": True}, RiskClass.OUT_OF_SCOPE, None,
     "Art. 2(6)", "none"),
    ("social scoring", {"social_scoring": True, "annex_iii_point": "5(a)"}, RiskClass.PROHIBITED,
     "5(a)", "Art. 5(1)(c)", "must not be placed"),
    ("emotion at work", {"emotion_recognition_work_education": True}, RiskClass.PROHIBITED, None,
     "Art. 5(1)(f)", "2025-02-02"),
    ("real-time RBI", {"realtime_remote_biometric_identification": True}, RiskClass.PROHIBITED,
     None, "Art. 5(1)(h)", "withdraw"),
    ("benefits eligibility", {"annex_iii_point": "5(a)"}, RiskClass.HIGH, "5(a)",
     "Annex III point 5(a) (Access to essential", "Art. 27"),
    ("recruitment", {"annex_iii_point": "4(a)", "public_body_deployer": False}, RiskClass.HIGH,
     "4(a)", "recruitment", "Art. 26(6)"),
    ("school admission", {"annex_iii_point": "3(a)"}, RiskClass.HIGH, "3(a)", "admission",
     "49(3): register"),
    ("critical infrastructure: no FRIA", {"annex_iii_point": "2"}, RiskClass.HIGH, "2",
     "Critical infrastructure", "Art. 26(2)"),
    ("Annex I product", {"annex_i_safety_component": True}, RiskClass.HIGH, None, "Art. 6(1)",
     "Art. 26(5)"),
    ("6(3) exemption", {"annex_iii_point": "5(a)", "art_6_3_grounds": ["PREPARATORY_TASK"]},
     RiskClass.MINIMAL, "5(a)", "Art. 6(3)(d)", "Art. 49(2)"),
    ("6(3) never with profiling", {"annex_iii_point": "4(a)", "profiling": True,
                                   "art_6_3_grounds": ["NARROW_PROCEDURAL_TASK"]},
     RiskClass.HIGH, "4(a)", "profiles natural persons", "Art. 86"),
    ("exempt chatbot", {"annex_iii_point": "5(a)", "art_6_3_grounds": ["NARROW_PROCEDURAL_TASK"],
                        "art_50_triggers": ["INTERACTS_WITH_PERSONS"]},
     RiskClass.LIMITED, "5(a)", "Art. 6(3)(a)", "Art. 50(1)"),
    ("chatbot", {"art_50_triggers": ["INTERACTS_WITH_PERSONS"]}, RiskClass.LIMITED, None,
     "Art. 50(1)", "Art. 50(1)"),
    ("generator", {"art_50_triggers": ["GENERATES_CONTENT", "DEEP_FAKE_OR_PUBLIC_TEXT"]},
     RiskClass.LIMITED, None, "Art. 50(4)", "machine-readable"),
    ("high-risk chatbot keeps Art. 50", {"annex_iii_point": "5(d)",
                                         "art_50_triggers": ["INTERACTS_WITH_PERSONS"]},
     RiskClass.HIGH, "5(d)", "Art. 50(1)", "Art. 50(1)"),
    ("spell checker", {}, RiskClass.MINIMAL, None, "no Art. 5 practice", "Art. 4"),
]  # fmt: skip


@pytest.mark.parametrize(
    "answers,risk,point,reason,obligation", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_classify(
    answers: dict[str, Any], risk: RiskClass, point: str | None, reason: str, obligation: str
) -> None:
    result = classify(validate(ClassificationAnswers, answers))
    assert (result.risk_class, result.annex_iii_point) == (risk, point)
    assert any(reason in r for r in result.reasons), result.reasons
    assert any(obligation in o for o in result.obligations), result.obligations
    assert all("Art." in r or "Annex" in r or "no Art." in r for r in result.reasons)


def test_fria_only_for_public_deployers_outside_point_2() -> None:
    def fria(**answers: Any) -> bool:
        result = classify(ClassificationAnswers(**answers))
        return any(o.startswith("Art. 27") for o in result.obligations)

    assert fria(annex_iii_point="5(a)")
    assert not fria(annex_iii_point="5(a)", public_body_deployer=False)
    assert not fria(annex_iii_point="2")


def test_exemption_is_flagged() -> None:
    result = classify(
        ClassificationAnswers(annex_iii_point="3(b)", art_6_3_grounds=["PREPARATORY_TASK"])
    )
    assert result.art_6_3_exemption
    assert not classify(ClassificationAnswers(annex_iii_point="3(b)")).art_6_3_exemption


def test_every_prohibited_practice_is_its_own_letter() -> None:
    letters = [letter for letter, _ in PROHIBITED_PRACTICES.values()]
    assert letters == list("abcdefgh")
    for name in PROHIBITED_PRACTICES:
        assert classify(ClassificationAnswers(**{name: True})).risk_class is RiskClass.PROHIBITED


def test_annex_iii_points_cover_the_eight_areas() -> None:
    assert {p[0] for p in ANNEX_III} == set("12345678")
    assert "6(e)" in ANNEX_III and "5(a)" in ANNEX_III


@pytest.mark.parametrize("bad", ["9(a)", "5(z)", "five"])
def test_unknown_annex_point_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="annex_iii_point: is not an Annex III point"):
        validate(ClassificationAnswers, {"annex_iii_point": bad})


def test_unknown_answer_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Extra inputs"):
        validate(ClassificationAnswers, {"is_chatbot": True})


def test_annex_point_is_normalised() -> None:
    assert ClassificationAnswers(annex_iii_point=" 5(A) ").annex_iii_point == "5(a)"
