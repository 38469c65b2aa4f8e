"""The guided AI Act classification (the API's ``classifyAISystem``) as a form in steps:
the catalog's :func:`classify` proposes the risk class; with the register right the answer
is stored on the system (risk class, Annex III point, Art. 6(3), profiling, Art. 50
triggers) through :func:`update_ai_system`, audited like every change."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from registre.catalog.access.roles import Permission
from registre.catalog.enums import Art50Trigger
from registre.catalog.errors import DomainError
from registre.catalog.governance.classification import (
    ANNEX_III,
    Art63Ground,
    ClassificationAnswers,
    classify,
    stored_facts,
)
from registre.catalog.governance.register import update_ai_system
from registre.catalog.models import AISystem
from registre.catalog.service import get, validate
from registre.web.core import Page
from registre.web.i18n import N_

#: the steps of the questionnaire: (title, [(answer field, question)])
STEPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        N_("1. Is it an AI system within the AI Act?"),
        [
            (
                "is_ai_system",
                N_(
                    "It infers from its input how to produce predictions, content, "
                    "recommendations or decisions (not only rules written by people) (Art. "
                    "3(1))"
                ),
            ),
            (
                "military_or_national_security",
                N_(
                    "It is used only for military, defence or national security purposes "
                    "(Art. 2(3))"
                ),
            ),
            (
                "scientific_research_only",
                N_("It is developed and used only for scientific research (Art. 2(6))"),
            ),
        ],
    ),
    (
        N_("2. Prohibited practices (Art. 5)"),
        [
            (
                "manipulative_techniques",
                N_(
                    "Subliminal, manipulative or deceptive techniques that distort "
                    "behaviour (Art. 5(1)(a))"
                ),
            ),
            (
                "exploits_vulnerabilities",
                N_(
                    "Exploits the vulnerabilities of age, disability or social situation "
                    "(Art. 5(1)(b))"
                ),
            ),
            (
                "social_scoring",
                N_("Social scoring leading to unfavourable treatment (Art. 5(1)(c))"),
            ),
            (
                "crime_prediction_by_profiling",
                N_("Predicts offences from profiling alone (Art. 5(1)(d))"),
            ),
            (
                "untargeted_facial_scraping",
                N_("Builds facial recognition databases by untargeted scraping (Art. 5(1)(e))"),
            ),
            (
                "emotion_recognition_work_education",
                N_("Recognises emotions at work or in education (Art. 5(1)(f))"),
            ),
            (
                "biometric_categorisation_sensitive",
                N_("Biometric categorisation by sensitive attributes (Art. 5(1)(g))"),
            ),
            (
                "realtime_remote_biometric_identification",
                N_(
                    "Real-time remote biometric identification in public spaces for law "
                    "enforcement (Art. 5(1)(h))"
                ),
            ),
        ],
    ),
    (
        N_("3. High risk (Art. 6)"),
        [
            (
                "annex_i_safety_component",
                N_(
                    "Safety component of a product of Annex I that needs a third-party "
                    "conformity assessment (Art. 6(1))"
                ),
            ),
            ("profiling", N_("It profiles natural persons (GDPR Art. 4(4))")),
        ],
    ),
    (
        N_("6. The deployer"),
        [
            (
                "public_body_deployer",
                N_(
                    "Deployed by a public body or a private body providing a public service"
                    " (Art. 27)"
                ),
            ),
        ],
    ),
]

ANNEX_III_LABELS = {
    "1(a)": N_("1(a) Remote biometric identification"),
    "1(b)": N_("1(b) Biometric categorisation by sensitive attributes"),
    "1(c)": N_("1(c) Emotion recognition"),
    "2": N_("2 Safety component of critical infrastructure"),
    "3(a)": N_("3(a) Education: access, admission, assignment"),
    "3(b)": N_("3(b) Education: evaluating learning outcomes"),
    "3(c)": N_("3(c) Education: level of education"),
    "3(d)": N_("3(d) Education: monitoring behaviour during tests"),
    "4(a)": N_("4(a) Employment: recruitment or selection"),
    "4(b)": N_("4(b) Employment: decisions on work relationships"),
    "5(a)": N_("5(a) Eligibility for public assistance benefits and services"),
    "5(b)": N_("5(b) Creditworthiness"),
    "5(c)": N_("5(c) Life and health insurance pricing"),
    "5(d)": N_("5(d) Emergency calls and triage"),
    "6(a)": N_("6(a) Law enforcement: risk of becoming a victim"),
    "6(b)": N_("6(b) Law enforcement: polygraphs"),
    "6(c)": N_("6(c) Law enforcement: reliability of evidence"),
    "6(d)": N_("6(d) Law enforcement: risk of offending"),
    "6(e)": N_("6(e) Law enforcement: profiling"),
    "7(a)": N_("7(a) Migration: polygraphs"),
    "7(b)": N_("7(b) Migration: risk assessment of a person"),
    "7(c)": N_("7(c) Migration: asylum, visa and residence applications"),
    "7(d)": N_("7(d) Migration: identifying persons"),
    "8(a)": N_("8(a) Justice: interpreting facts and law"),
    "8(b)": N_("8(b) Democratic processes: influencing elections"),
}

GROUNDS = {
    Art63Ground.NARROW_PROCEDURAL_TASK: N_("(a) It performs a narrow procedural task"),
    Art63Ground.IMPROVES_COMPLETED_HUMAN_ACTIVITY: N_(
        "(b) It improves the result of a completed human activity"
    ),
    Art63Ground.DETECTS_DECISION_PATTERNS: N_(
        "(c) It detects decision patterns without replacing the human assessment"
    ),
    Art63Ground.PREPARATORY_TASK: N_("(d) It performs a preparatory task"),
}

TRIGGERS = {
    Art50Trigger.INTERACTS_WITH_PERSONS: N_(
        "It interacts directly with people (a chatbot) (Art. 50(1))"
    ),
    Art50Trigger.GENERATES_CONTENT: N_("It generates text, images, audio or video (Art. 50(2))"),
    Art50Trigger.EMOTION_OR_BIOMETRIC_CATEGORISATION: N_(
        "It recognises emotions or categorises people biometrically (Art. 50(3))"
    ),
    Art50Trigger.DEEP_FAKE_OR_PUBLIC_TEXT: N_(
        "It produces deep fakes or text published to inform the public (Art. 50(4))"
    ),
}

assert set(ANNEX_III_LABELS) == set(ANNEX_III), "every Annex III point has its label"


def _answers_of(system: AISystem) -> dict[str, Any]:
    """What the system already records, as the questionnaire's starting answers."""
    return {
        "is_ai_system": True,
        "public_body_deployer": True,
        "profiling": system.profiling,
        "annex_iii_point": system.annex_iii_point or "",
        "art_50_triggers": list(system.art_50_triggers or []),
        "art_6_3_grounds": [],
    }


def _answers_from(page: Page) -> dict[str, Any]:
    answers: dict[str, Any] = {
        name: page.field(name) == "on" for _, questions in STEPS for name, _ in questions
    }
    answers["annex_iii_point"] = page.field("annex_iii_point") or None
    answers["art_6_3_grounds"] = page.fields("art_6_3_grounds")
    answers["art_50_triggers"] = page.fields("art_50_triggers")
    return answers


def _render(page: Page, system: AISystem, answers: dict[str, Any], **extra: Any) -> Response:
    return page.render(
        "classify.html",
        system=system,
        answers=answers,
        steps=STEPS,
        annex_iii=ANNEX_III_LABELS,
        grounds=GROUNDS,
        triggers=TRIGGERS,
        writable=page.can(Permission.REGISTER),
        **extra,
    )


def questionnaire(page: Page) -> Response:
    system = get(page.db, AISystem, page.request.path_params["id"])
    return _render(page, system, _answers_of(system), result=None, error=None, stored=False)


def answer(page: Page) -> Response:
    """Propose the class; store it too when the role may register (as the API does)."""
    system = get(page.db, AISystem, page.request.path_params["id"])
    answers = _answers_from(page)
    try:
        checked = validate(ClassificationAnswers, answers)
    except DomainError as exc:
        return _render(page, system, answers, result=None, error=exc, stored=False)
    result = classify(checked)
    stored = False
    if page.can(Permission.REGISTER):
        update_ai_system(page.db, page.actor, system.id, stored_facts(checked, result))
        page.db.commit()
        stored = True
    answers["annex_iii_point"] = answers["annex_iii_point"] or ""
    return _render(page, system, answers, result=result, error=None, stored=stored)
