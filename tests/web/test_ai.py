"""The AI register's forms: register and edit a system, link a dataset and a policy, record
an assessment; every change made by the catalog's services, refused for read-only roles."""

from __future__ import annotations

import re

from sqlalchemy import select

from registre.catalog.enums import Role
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    AuditEvent,
    Policy,
)
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in


def _register(api: Api, **fields: str) -> tuple[int, str]:
    form = api.client.get("/systemes-ia/nouveau")
    assert form.status_code == 200
    answer = api.client.post(
        "/systemes-ia/nouveau", data={"csrf": csrf_of(form.text)} | fields, follow_redirects=False
    )
    return answer.status_code, answer.headers.get("location") or answer.text


def test_registering_an_ai_system_through_the_form(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    status, where = _register(
        site,
        name="Tri du courrier",
        purpose="Orienter les courriers entrants",
        use_area="INTERNAL_PRODUCTIVITY",
        status="PILOT",
        risk_class="MINIMAL",
        hosting_country="fr",
        log_retention_days="200",
        individual_decisions="on",
    )
    assert status == 303
    found = re.fullmatch(r"/systemes-ia/(\d+)", where)
    assert found is not None
    with site.factory() as session:
        system = session.get(AISystem, int(found.group(1)))
        assert system is not None
        assert (system.name, system.status.value, system.risk_class) == (
            "Tri du courrier",
            "PILOT",
            "MINIMAL",
        )
        assert (system.hosting_country, system.log_retention_days) == ("FR", 200)
        assert system.individual_decisions is True
        event = session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "register_ai_system")
            .order_by(AuditEvent.id.desc())
        )
        assert event is not None and event.actor == "token:steward"
    page = site.client.get(where).text
    assert "Expérimentation" in page and "Risque minimal" in page and "PILOT" not in page


def test_a_bad_field_is_shown_beside_it_and_nothing_is_saved(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    status, page = _register(site, name="Pays faux", hosting_country="F1")
    assert status == 400
    assert 'id="hosting_country"' in page and 'aria-invalid="true"' in page
    assert 'value="Pays faux"' in page  # what was typed is kept
    with site.factory() as session:
        assert session.scalar(select(AISystem).where(AISystem.name == "Pays faux")) is None


def test_editing_a_system(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    chatbot = seeded(site).ai["chatbot"]
    form = site.client.get(f"/systemes-ia/{chatbot}/modifier")
    assert 'value="Agent conversationnel"' in form.text
    assert '<option value="IN_PRODUCTION" selected>' in form.text
    answer = site.client.post(
        f"/systemes-ia/{chatbot}/modifier",
        data={
            "csrf": csrf_of(form.text),
            "name": "Agent conversationnel",
            "status": "RETIRED",
            "human_oversight_owner": "Direction de la relation usagers",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with site.factory() as session:
        system = session.get(AISystem, chatbot)
        assert system is not None
        assert system.status.value == "RETIRED"
        assert system.human_oversight_owner == "Direction de la relation usagers"


def test_linking_a_dataset_a_policy_and_recording_an_assessment(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    ids = seeded(site)
    chatbot = ids.ai["chatbot"]
    page = site.client.get(f"/systemes-ia/{chatbot}").text
    with site.factory() as session:
        policy = session.scalar(select(Policy.id))
    for path, data in [
        ("jeux", {"dataset_id": str(ids.datasets["hostile"]), "usage": "INPUT"}),
        (
            "politiques",
            {"policy_id": str(policy), "status": "NON_COMPLIANT", "evidence": "à faire"},
        ),
        ("evaluations", {"kind": "DPIA", "status": "IN_PROGRESS", "date": "2026-11-02"}),
    ]:
        answer = site.client.post(
            f"/systemes-ia/{chatbot}/{path}",
            data={"csrf": csrf_of(page)} | data,
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    with site.factory() as session:
        links = {
            (link.dataset_id, link.usage.value)
            for link in session.scalars(
                select(AISystemDataset).where(AISystemDataset.ai_system_id == chatbot)
            )
        }
        assert (ids.datasets["hostile"], "INPUT") in links
        assert session.scalar(select(AISystemPolicy.status)).value == "NON_COMPLIANT"
        assessment = session.scalar(select(Assessment).where(Assessment.ai_system_id == chatbot))
        assert assessment is not None and assessment.kind.value == "DPIA"
    shown = site.client.get(f"/systemes-ia/{chatbot}").text
    assert "Non conforme" in shown and "En cours, 2 novembre 2026" in shown


def test_a_refused_link_says_why_on_the_page(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    chatbot = seeded(site).ai["chatbot"]
    page = site.client.get(f"/systemes-ia/{chatbot}").text
    answer = site.client.post(
        f"/systemes-ia/{chatbot}/jeux",
        data={"csrf": csrf_of(page), "dataset_id": "99999", "usage": "INPUT"},
    )
    assert answer.status_code == 400
    assert "Non enregistré" in answer.text


def test_read_only_roles_get_no_form_and_cannot_post(site: Api) -> None:
    chatbot = seeded(site).ai["chatbot"]
    for role in (Role.AUDITOR, Role.SECURITY):
        sign_in(site, role)
        page = site.client.get(f"/systemes-ia/{chatbot}").text
        assert '<form method="post" action="/systemes-ia/' not in page
        assert "/modifier" not in page
        assert "Enregistrer un système" not in site.client.get("/systemes-ia").text
        assert site.client.get("/systemes-ia/nouveau").status_code == 403
        refused = site.client.post(
            "/systemes-ia/nouveau", data={"csrf": csrf_of(page), "name": "Interdit"}
        )
        assert refused.status_code == 403
        with site.factory() as session:
            assert session.scalar(select(AISystem).where(AISystem.name == "Interdit")) is None
