"""Guided AI Act classification: yes/no answers in, a risk class with its reasons out.

The questions follow the regulation in the order it applies them:

1. scope: is it an AI system (Art. 3(1)); is it military / national security (Art. 2(3))
   or scientific research only (Art. 2(6))? If not in scope: OUT_OF_SCOPE;
2. prohibited practices, Art. 5(1)(a)-(h): any yes -> PROHIBITED;
3. high-risk: a safety component of an Annex I product (Art. 6(1)), or an Annex III use
   (Art. 6(2)) unless one of the four Art. 6(3) grounds applies, never when it profiles;
4. transparency, Art. 50(1)-(4): a chatbot, generated content, emotion recognition or
   biometric categorisation, deep fakes -> LIMITED (obligations added to a high-risk one too);
5. otherwise MINIMAL (Art. 4 AI literacy still applies).

The result proposes; a person decides. ``reasons`` cite the articles that led there and
``obligations`` list what the deployer must do next.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, field_validator

from registre.catalog.enums import Art50Trigger, RiskClass
from registre.catalog.i18n import N_, Text
from registre.catalog.input_types import Strict

#: Annex III high-risk uses, by point (Art. 6(2))
ANNEX_III: dict[str, str] = {
    "1(a)": N_("remote biometric identification"),
    "1(b)": N_("biometric categorisation according to sensitive or protected attributes"),
    "1(c)": N_("emotion recognition"),
    "2": N_(
        "safety component in critical infrastructure (digital, road traffic, water, gas, "
        "heating, electricity)"
    ),
    "3(a)": N_("education: access, admission or assignment to institutions"),
    "3(b)": N_("education: evaluating learning outcomes"),
    "3(c)": N_("education: assessing the appropriate level of education"),
    "3(d)": N_("education: monitoring prohibited behaviour during tests"),
    "4(a)": N_("employment: recruitment or selection"),
    "4(b)": N_(
        "employment: decisions on work relationships, promotion, termination, task "
        "allocation, monitoring of performance"
    ),
    "5(a)": N_("eligibility for essential public assistance benefits and services"),
    "5(b)": N_("creditworthiness or credit score"),
    "5(c)": N_("risk assessment and pricing in life and health insurance"),
    "5(d)": N_(
        "evaluating and classifying emergency calls, dispatching emergency services, triage"
    ),
    "6(a)": N_("law enforcement: risk of a person becoming a victim of crime"),
    "6(b)": N_("law enforcement: polygraphs and similar tools"),
    "6(c)": N_("law enforcement: reliability of evidence"),
    "6(d)": N_("law enforcement: risk of offending or re-offending"),
    "6(e)": N_("law enforcement: profiling in detection, investigation or prosecution"),
    "7(a)": N_("migration: polygraphs and similar tools"),
    "7(b)": N_("migration: security, irregular migration or health risk of a person"),
    "7(c)": N_("migration: examining applications for asylum, visa, residence permits"),
    "7(d)": N_("migration: detecting, recognising or identifying persons"),
    "8(a)": N_("justice: researching and interpreting facts and law, applying the law"),
    "8(b)": N_("democratic processes: influencing elections or referendums"),
}

ANNEX_III_AREAS = {
    "1": N_("Biometrics"),
    "2": N_("Critical infrastructure"),
    "3": N_("Education and vocational training"),
    "4": N_("Employment, workers management and access to self-employment"),
    "5": N_("Access to essential private and public services and benefits"),
    "6": N_("Law enforcement"),
    "7": N_("Migration, asylum and border control management"),
    "8": N_("Administration of justice and democratic processes"),
}


class Art63Ground(enum.StrEnum):
    """The four Art. 6(3) grounds on which an Annex III system is not high-risk."""

    NARROW_PROCEDURAL_TASK = "NARROW_PROCEDURAL_TASK"  # (a)
    IMPROVES_COMPLETED_HUMAN_ACTIVITY = "IMPROVES_COMPLETED_HUMAN_ACTIVITY"  # (b)
    DETECTS_DECISION_PATTERNS = "DETECTS_DECISION_PATTERNS"  # (c)
    PREPARATORY_TASK = "PREPARATORY_TASK"  # (d)


_GROUND_TEXT = {
    Art63Ground.NARROW_PROCEDURAL_TASK: ("(a)", N_("performs a narrow procedural task")),
    Art63Ground.IMPROVES_COMPLETED_HUMAN_ACTIVITY: (
        "(b)",
        N_("improves the result of a previously completed human activity"),
    ),
    Art63Ground.DETECTS_DECISION_PATTERNS: (
        "(c)",
        N_(
            "detects decision-making patterns without replacing or influencing the human "
            "assessment without proper human review"
        ),
    ),
    Art63Ground.PREPARATORY_TASK: (
        "(d)",
        N_("performs a preparatory task to an Annex III assessment"),
    ),
}

#: Art. 5(1) letter and what the practice is, per answer field
PROHIBITED_PRACTICES: dict[str, tuple[str, str]] = {
    "manipulative_techniques": ("a", N_("subliminal, manipulative or deceptive techniques")),
    "exploits_vulnerabilities": ("b", N_("exploiting vulnerabilities of age, disability or "
                                 "social or economic situation")),
    "social_scoring": ("c", N_("social scoring leading to detrimental treatment")),
    "crime_prediction_by_profiling": ("d", N_("predicting criminal offences solely from profiling "
                                      "or personality traits")),
    "untargeted_facial_scraping": ("e", N_("untargeted scraping of facial images for recognition "
                                   "databases")),
    "emotion_recognition_work_education": ("f", N_("emotion recognition at work or in education")),
    "biometric_categorisation_sensitive": ("g", N_("biometric categorisation inferring race, "
                                           "opinions, beliefs, union membership or sex life")),
    "realtime_remote_biometric_identification": ("h", N_("real-time remote biometric "
                                                 "identification in public spaces for law "
                                                 "enforcement")),
}  # fmt: skip

_ART_50 = {
    Art50Trigger.INTERACTS_WITH_PERSONS: (
        N_("50(1)"),
        N_("interacts directly with people"),
        N_("Art. 50(1): tell people they are interacting with an AI system"),
    ),
    Art50Trigger.GENERATES_CONTENT: (
        N_("50(2)"),
        N_("generates synthetic audio, image, video or text"),
        N_("Art. 50(2): mark generated content as artificially generated (machine-readable)"),
    ),
    Art50Trigger.EMOTION_OR_BIOMETRIC_CATEGORISATION: (
        N_("50(3)"),
        N_("recognises emotions or categorises people from biometric data"),
        N_("Art. 50(3): inform the people exposed to it"),
    ),
    Art50Trigger.DEEP_FAKE_OR_PUBLIC_TEXT: (
        N_("50(4)"),
        N_("produces deep fakes or text published to inform the public"),
        N_("Art. 50(4): disclose that the content is artificially generated or manipulated"),
    ),
}


class ClassificationAnswers(Strict):
    """Answers to the guided classification, all yes/no except the Annex III point."""

    is_ai_system: bool = Field(
        True,
        description="Art. 3(1): a machine-based system that infers from its input how to "
        "generate predictions, content, recommendations or decisions (not rules written "
        "solely by people).",
    )
    military_or_national_security: bool = Field(False, description="Art. 2(3).")
    scientific_research_only: bool = Field(False, description="Art. 2(6).")
    manipulative_techniques: bool = Field(False, description="Art. 5(1)(a).")
    exploits_vulnerabilities: bool = Field(False, description="Art. 5(1)(b).")
    social_scoring: bool = Field(False, description="Art. 5(1)(c).")
    crime_prediction_by_profiling: bool = Field(False, description="Art. 5(1)(d).")
    untargeted_facial_scraping: bool = Field(False, description="Art. 5(1)(e).")
    emotion_recognition_work_education: bool = Field(False, description="Art. 5(1)(f).")
    biometric_categorisation_sensitive: bool = Field(False, description="Art. 5(1)(g).")
    realtime_remote_biometric_identification: bool = Field(False, description="Art. 5(1)(h).")
    annex_i_safety_component: bool = Field(
        False,
        description="Art. 6(1): safety component of (or itself) a product of Annex I that "
        "needs a third-party conformity assessment.",
    )
    annex_iii_point: str | None = Field(
        None, description="Annex III point of the use, e.g. '5(a)', '4(a)', '2'; null if none."
    )
    profiling: bool = Field(False, description="Profiles natural persons (GDPR Art. 4(4)).")
    art_6_3_grounds: list[Art63Ground] = Field(
        default_factory=list, description="Art. 6(3) grounds that apply, if any."
    )
    art_50_triggers: list[Art50Trigger] = Field(default_factory=list, description="Art. 50.")
    public_body_deployer: bool = Field(
        True,
        description="Deployed by a body governed by public law or a private body providing "
        "public services (Art. 27 FRIA); deployers of 5(b) and 5(c) systems need a FRIA "
        "whoever they are.",
    )

    @field_validator("annex_iii_point")
    @classmethod
    def _known_point(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower().replace(" ", "")
        if not value:
            return None
        if value not in ANNEX_III:
            raise ValueError(
                Text("is not an Annex III point; one of {points}", points=list(ANNEX_III))
            )
        return value


@dataclass(frozen=True)
class ClassificationResult:
    risk_class: RiskClass
    annex_iii_point: str | None
    reasons: list[str] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    #: an Annex III use found not high-risk on an Art. 6(3) ground (to document and register)
    art_6_3_exemption: bool = False


def stored_facts(answers: ClassificationAnswers, result: ClassificationResult) -> dict[str, Any]:
    """What a classification stores on the AI system: the result and every answer the
    rules read (profiling, Art. 50 triggers), so that the rules see what was declared."""
    return {
        "risk_class": result.risk_class,
        "annex_iii_point": result.annex_iii_point,
        "art_6_3_claim": result.art_6_3_exemption,
        "profiling": answers.profiling,
        "art_50_triggers": list(answers.art_50_triggers),
    }


LITERACY = N_("Art. 4: AI literacy of the staff who operate it")


def _high_risk_obligations(answers: ClassificationAnswers, point: str | None) -> list[str]:
    annex_iii = point is not None
    obligations: list[str] = [
        Text("Art. 26(1): use it following the provider's instructions for use"),
        Text("Art. 26(2): assign human oversight to named, competent and trained people"),
        Text("Art. 26(4): make sure input data is relevant and representative"),
        Text("Art. 26(5): monitor its operation and report serious incidents"),
        Text("Art. 26(6): keep the logs it generates for at least six months"),
        Text("Art. 26(7): inform workers' representatives and affected workers before use at work"),
        Text("Art. 26(9) and GDPR Art. 35: carry out a DPIA using the provider's information"),
    ]
    if annex_iii:
        obligations.append(Text("Art. 26(11): inform the people subject to its decisions"))
        obligations.append(Text("Art. 86: explain individual decisions on request"))
    fria = point is not None and (
        point in ("5(b)", "5(c)") or (answers.public_body_deployer and not point.startswith("2"))
    )
    if fria:
        obligations.append(
            Text(
                "Art. 27: carry out a fundamental rights impact assessment (FRIA) "
                "before first use and notify the market surveillance authority"
            )
        )
    if answers.public_body_deployer and point is not None and not point.startswith("2"):
        obligations.append(
            Text(
                "Art. 26(8), 49(3): register the use in the EU database before use (deployers "
                "that are public authorities)"
            )
        )
    obligations.append(Text(LITERACY))
    return obligations


def classify(answers: ClassificationAnswers) -> ClassificationResult:
    """Propose the AI Act risk class of a system from the answers (see the module doc)."""
    excluded = _excluded(answers)
    if excluded is not None:
        return excluded
    point = answers.annex_iii_point
    high, exempt, reasons, obligations = _annex_classification(answers)

    for trigger in answers.art_50_triggers:
        article, text, obligation = _ART_50[trigger]
        reasons.append(Text("Art. {article}: {text}", article=Text(article), text=Text(text)))
        obligations.append(Text(obligation))
    if high:
        risk = RiskClass.HIGH
    elif answers.art_50_triggers:
        risk = RiskClass.LIMITED
        obligations.append(Text(LITERACY))
    else:
        risk = RiskClass.MINIMAL
        reasons.append(Text("no Art. 5 practice, not high-risk under Art. 6, no Art. 50 trigger"))
        obligations.append(Text(LITERACY))
        obligations.append(Text("Art. 95: voluntary codes of conduct (optional)"))
    return ClassificationResult(risk, point, reasons, obligations, art_6_3_exemption=exempt)


def _excluded(answers: ClassificationAnswers) -> ClassificationResult | None:
    """Out of scope (Art. 2, 3(1)) or prohibited (Art. 5), or None."""
    if not answers.is_ai_system:
        return ClassificationResult(
            RiskClass.OUT_OF_SCOPE,
            None,
            [Text("Art. 3(1): not an AI system (it does not infer its outputs from its input)")],
            [Text("none under the AI Act; GDPR and CRPA duties still apply to the processing")],
        )
    if answers.military_or_national_security or answers.scientific_research_only:
        reason = (
            Text("Art. 2(3): used exclusively for military, defence or national security purposes")
            if answers.military_or_national_security
            else Text("Art. 2(6): developed and put into service solely for scientific research")
        )
        return ClassificationResult(
            RiskClass.OUT_OF_SCOPE, None, [reason], [Text("none under the AI Act")]
        )

    prohibited: list[str] = [
        Text("Art. 5(1)({letter}): {text}", letter=letter, text=Text(text))
        for name, (letter, text) in PROHIBITED_PRACTICES.items()
        if getattr(answers, name)
    ]
    if prohibited:
        return ClassificationResult(
            RiskClass.PROHIBITED,
            answers.annex_iii_point,
            prohibited,
            [Text("Art. 5: must not be placed on the market, put into service or used; stop "
                  "and withdraw it (applicable since 2025-02-02)")],
        )  # fmt: skip
    return None


def _annex_classification(
    answers: ClassificationAnswers,
) -> tuple[bool, bool, list[str], list[str]]:
    """High-risk under Art. 6(1)/(2), or exempt under Art. 6(3): (high, exempt, reasons,
    obligations)."""
    reasons: list[str] = []
    obligations: list[str] = []
    high = exempt = False
    point = answers.annex_iii_point
    if answers.annex_i_safety_component:
        high = True
        reasons.append(Text("Art. 6(1): safety component of an Annex I product subject to a "
                            "third-party conformity assessment"))  # fmt: skip
    if point is not None:
        area = ANNEX_III_AREAS[point[0]]
        use = Text(
            "Annex III point {point} ({area}: {use})",
            point=point,
            area=Text(area),
            use=Text(ANNEX_III[point]),
        )
        if answers.profiling:
            high = True
            reasons.append(Text("Art. 6(2) and {use}", use=use))
            if answers.art_6_3_grounds:
                reasons.append(Text("Art. 6(3), last subparagraph: no exemption, the system "
                                    "profiles natural persons"))  # fmt: skip
        elif answers.art_6_3_grounds:
            exempt = True
            reasons.append(
                Text("{use}: not high-risk under Art. 6(3), it does not profile", use=use)
            )
            for ground in sorted(set(answers.art_6_3_grounds)):
                letter, text = _GROUND_TEXT[ground]
                reasons.append(Text("Art. 6(3){letter}: {text}", letter=letter, text=Text(text)))
            obligations.append(Text("Art. 6(4): document the assessment before placing on the "
                                    "market or putting into service"))  # fmt: skip
            obligations.append(Text("Art. 49(2): register the system in the EU database"))
        else:
            high = True
            reasons.append(Text("Art. 6(2) and {use}", use=use))
    if high:
        obligations = _high_risk_obligations(answers, point)
    return high, exempt, reasons, obligations
