"""The guided AI Act classification: the catalog's proposal, stored on the system for the
roles that register, only proposed for the others."""

from __future__ import annotations

from registre.catalog.enums import Role
from registre.catalog.models import AISystem
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in


def _answer(api: Api, system: int, answers: dict[str, object]) -> str:
    form = api.client.get(f"/systemes-ia/{system}/classification")
    assert form.status_code == 200
    answer = api.client.post(
        f"/systemes-ia/{system}/classification", data={"csrf": csrf_of(form.text)} | answers
    )
    assert answer.status_code == 200
    return answer.text


def test_an_annex_iii_use_is_classified_high_risk_and_stored(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    chatbot = seeded(site).ai["chatbot"]
    page = _answer(
        site,
        chatbot,
        {
            "is_ai_system": "on",
            "annex_iii_point": "5(a)",
            "public_body_deployer": "on",
            "art_50_triggers": ["INTERACTS_WITH_PERSONS"],
        },
    )
    assert "Classe de risque proposée : Haut risque" in page
    assert "Enregistré sur le système." in page
    with site.factory() as session:
        system = session.get(AISystem, chatbot)
        assert system is not None
        assert (system.risk_class, system.annex_iii_point) == ("HIGH", "5(a)")
        assert system.art_50_triggers == ["INTERACTS_WITH_PERSONS"]
    # the form comes back with what was answered
    assert '<option value="5(a)" selected>' in page


def test_a_narrow_procedural_task_is_not_high_risk(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    aid = seeded(site).ai["aid"]
    page = _answer(
        site,
        aid,
        {
            "is_ai_system": "on",
            "annex_iii_point": "5(a)",
            "public_body_deployer": "on",
            "art_6_3_grounds": ["NARROW_PROCEDURAL_TASK"],
        },
    )
    assert "Haut risque" not in page.split("<form", 1)[0]
    with site.factory() as session:
        system = session.get(AISystem, aid)
        assert system is not None and system.art_6_3_claim is True


def test_not_an_ai_system_is_out_of_scope(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    page = _answer(site, seeded(site).ai["aid"], {"public_body_deployer": "on"})
    assert "Classe de risque proposée : Hors du champ du règlement IA" in page


def test_an_auditor_gets_the_proposal_and_nothing_is_stored(site: Api) -> None:
    sign_in(site, Role.AUDITOR)
    chatbot = seeded(site).ai["chatbot"]
    page = _answer(site, chatbot, {"is_ai_system": "on", "social_scoring": "on"})
    assert "Classe de risque proposée : Interdit" in page
    assert "Enregistré sur le système." not in page
    with site.factory() as session:
        system = session.get(AISystem, chatbot)
        assert system is not None and system.risk_class == "LIMITED"


def test_a_bad_answer_is_refused_with_its_reason(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    page = _answer(site, seeded(site).ai["chatbot"], {"annex_iii_point": "9(z)"})
    assert "Non enregistré" in page
