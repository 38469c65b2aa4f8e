"""Registering a data store from the web: the catalog's service and the API's checks (no
password in the URL, admin-only local stores), CSRF, role checks, errors in French."""

from __future__ import annotations

import html

from registre.catalog.enums import Role
from registre.catalog.models import DataStore
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in


def _post(site: Api, **fields: str) -> tuple[int, str, str]:
    form = site.client.get("/entrepots/nouveau")
    assert form.status_code == 200
    answer = site.client.post(
        "/entrepots/nouveau", data={"csrf": csrf_of(form.text), **fields}, follow_redirects=False
    )
    return answer.status_code, answer.headers.get("location", ""), html.unescape(answer.text)


def test_a_steward_registers_a_store(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    assert 'href="/entrepots/nouveau"' in site.client.get("/entrepots").text
    code, location, _ = _post(
        site,
        name="Paie",
        url="postgresql://lecteur@db.ville.example/paie",
        owner="DRH",
        sensitivity="CONFIDENTIAL",
        hosting_country="fr",
        scan_schedule="0 2 * * *",
    )
    assert code == 303 and location.startswith("/entrepots/")
    with site.factory() as db:
        store = db.query(DataStore).filter_by(name="Paie").one()
        assert store.hosting_country == "FR" and store.owner == "DRH"
        assert store.sensitivity is not None and store.sensitivity.value == "CONFIDENTIAL"
    page = site.client.get(location).text
    assert "Paie" in page
    # the same words as the form's, and two columns of scan runs that cannot be confused
    assert "Planification des analyses (cron)" in page and "Jeux en échec" in page


def test_the_api_checks_apply_and_speak_french(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    code, _, page = _post(site, name="Fuite", url="postgresql://u:motdepasse@h/db")
    assert code == 400
    assert "contient un mot de passe" in page and 'aria-invalid="true"' in page
    assert "motdepasse" not in page  # a password typed in the URL is not sent back
    code, _, page = _post(site, name="Local", url="sqlite:////srv/local.db")
    assert code == 400 and "seul un administrateur" in page
    assert 'name="secret_ref"' not in page  # a steward may not set a secret reference
    with site.factory() as db:
        assert db.query(DataStore).filter(DataStore.name.in_(["Fuite", "Local"])).count() == 0


def test_roles_and_csrf_guard_the_form(site: Api) -> None:
    sign_in(site, Role.AUDITOR)
    assert site.client.get("/entrepots/nouveau").status_code == 403
    assert 'href="/entrepots/nouveau"' not in site.client.get("/entrepots").text
    sign_in(site, Role.STEWARD)
    answer = site.client.post("/entrepots/nouveau", data={"name": "X", "url": "sqlite:///x"})
    assert answer.status_code == 403
    sign_in(site, Role.ADMIN)
    assert 'name="secret_ref"' in site.client.get("/entrepots/nouveau").text


def test_a_steward_edits_a_dataset(site: Api) -> None:
    from registre.catalog.models import AuditEvent, Dataset

    sign_in(site, Role.STEWARD)
    agents = seeded(site).datasets["agents"]
    page = site.client.get(f"/jeux-de-donnees/{agents}").text
    assert f'href="/jeux-de-donnees/{agents}/modifier"' in page
    form = site.client.get(f"/jeux-de-donnees/{agents}/modifier")
    assert form.status_code == 200
    answer = site.client.post(
        f"/jeux-de-donnees/{agents}/modifier",
        data={
            "csrf": csrf_of(form.text),
            "description": "Agents de la ville",
            "steward": "DRH",
            "sensitivity": "RESTRICTED",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with site.factory() as db:
        item = db.get(Dataset, agents)
        assert item is not None and item.description == "Agents de la ville"
        assert item.steward == "DRH" and item.sensitivity is not None
        assert item.sensitivity.value == "RESTRICTED"
        assert db.query(AuditEvent).filter_by(action="update_dataset").count() == 1
    bad = site.client.post(
        f"/jeux-de-donnees/{agents}/modifier",
        data={"csrf": csrf_of(form.text), "sensitivity": "SECRET"},
    )
    assert bad.status_code == 400 and "Non enregistré" in html.unescape(bad.text)
    sign_in(site, Role.AUDITOR)
    assert site.client.get(f"/jeux-de-donnees/{agents}/modifier").status_code == 403
    assert "/modifier" not in site.client.get(f"/jeux-de-donnees/{agents}").text


def test_a_dpo_records_and_links_a_processing_activity(site: Api) -> None:
    from registre.catalog.models import ProcessingActivity

    sign_in(site, Role.STEWARD)
    ids = seeded(site)
    page = site.client.get("/traitements")
    assert "Inscrire une activité de traitement" in html.unescape(page.text)
    answer = site.client.post(
        "/traitements",
        data={
            "csrf": csrf_of(page.text),
            "name": "Aide sociale",
            "purposes": "Instruction des demandes",
            "legal_basis": "PUBLIC_TASK",
            "retention": "5 ans",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with site.factory() as db:
        activity = db.query(ProcessingActivity).filter_by(name="Aide sociale").one()
        assert activity.legal_basis is not None and activity.legal_basis.value == "PUBLIC_TASK"
        activity_id = activity.id
    listed = html.unescape(site.client.get("/traitements").text)
    assert "Aide sociale" in listed and ">PUBLIC_TASK<" not in listed
    answer = site.client.post(
        "/traitements/liens",
        data={
            "csrf": csrf_of(page.text),
            "processing_activity_id": str(activity_id),
            "ai_system_id": str(ids.ai["aid"]),
            "dataset_id": str(ids.datasets["agents"]),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with site.factory() as db:
        activity = db.get(ProcessingActivity, activity_id)
        assert activity is not None
        assert [s.id for s in activity.ai_systems] == [ids.ai["aid"]]
        assert [d.id for d in activity.datasets] == [ids.datasets["agents"]]
    # the same name twice: the catalog refuses, in French
    again = site.client.post(
        "/traitements", data={"csrf": csrf_of(page.text), "name": "Aide sociale"}
    )
    assert again.status_code == 400 and "existe déjà" in html.unescape(again.text)
    nothing = site.client.post(
        "/traitements/liens",
        data={"csrf": csrf_of(page.text), "processing_activity_id": str(activity_id)},
    )
    assert nothing.status_code == 400
    assert "indiquez datasetId ou aiSystemId" in html.unescape(nothing.text)
    sign_in(site, Role.AUDITOR)
    assert "Inscrire une activité" not in html.unescape(site.client.get("/traitements").text)
    assert site.client.post("/traitements", data={"name": "X"}).status_code == 403
