"""A policy created and a data store edited from the web: the catalog's services with the
API's checks (``createPolicy``, ``updateDataStore``), CSRF, role checks, errors in French."""

from __future__ import annotations

import html

from registre.catalog.enums import Role
from registre.catalog.models import AuditEvent, DataStore, Organisation, Policy
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in

HOMOLOGATION = {
    "kind": "GOVERNANCE",
    "framework": "INTERNAL_CHARTER",
    "control_ref": "CHARTE-IA-3",
    "title": "Toute décision individuelle assistée par l’IA est relue par un agent",
    "url": "https://ville.example/charte-ia",
    "version": "2026",
    "owner": "DPO",
}


def _post(site: Api, path: str, **fields: str) -> tuple[int, str, str]:
    form = site.client.get(path)
    assert form.status_code == 200
    answer = site.client.post(
        path, data={"csrf": csrf_of(form.text), **fields}, follow_redirects=False
    )
    return answer.status_code, answer.headers.get("location", ""), html.unescape(answer.text)


def test_a_steward_creates_a_policy(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    listing = site.client.get("/politiques").text
    assert 'href="/politiques/nouvelle"' in listing and "Politiques" in listing
    code, location, _ = _post(site, "/politiques/nouvelle", **HOMOLOGATION)
    assert code == 303 and location.startswith("/politiques?cree=")
    with site.factory() as db:
        policy = db.query(Policy).filter_by(control_ref="CHARTE-IA-3").one()
        assert policy.kind.value == "GOVERNANCE" and policy.framework.value == "INTERNAL_CHARTER"
        assert policy.version == "2026" and policy.owner == "DPO"
        assert (
            db.query(AuditEvent).filter_by(action="create_policy", entity_id=policy.id).count() == 1
        )
    page = html.unescape(site.client.get(location).text)
    assert "Politique créée." in page and "Toute décision individuelle" in page
    assert "Gouvernance" in page and "GOVERNANCE" not in page.split("<tbody>")[1]
    # it is offered on an AI system's page, to link
    system = seeded(site).ai["chatbot"]
    assert "CHARTE-IA-3" in site.client.get(f"/systemes-ia/{system}").text
    csv = site.client.get("/politiques?format=csv&q=charte")
    assert csv.status_code == 200 and "CHARTE-IA-3" in csv.text


def test_a_policy_form_refuses_in_french_and_keeps_what_was_typed(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    assert _post(site, "/politiques/nouvelle", **HOMOLOGATION)[0] == 303
    code, _, page = _post(site, "/politiques/nouvelle", **HOMOLOGATION)
    assert code == 400 and "Non enregistré" in page and "existe déjà" in page
    assert 'value="Toute décision individuelle assistée par l’IA est relue par un agent"' in page
    code, _, page = _post(site, "/politiques/nouvelle", **{**HOMOLOGATION, "title": "  "})
    assert code == 400 and 'aria-invalid="true"' in page
    with site.factory() as db:
        assert db.query(Policy).filter_by(control_ref="CHARTE-IA-3").count() == 1


def test_roles_and_csrf_guard_the_policy_form(site: Api) -> None:
    sign_in(site, Role.AUDITOR)
    assert site.client.get("/politiques").status_code == 200
    assert 'href="/politiques/nouvelle"' not in site.client.get("/politiques").text
    assert site.client.get("/politiques/nouvelle").status_code == 403
    sign_in(site, Role.STEWARD)
    answer = site.client.post("/politiques/nouvelle", data=HOMOLOGATION)  # no CSRF token
    assert answer.status_code == 403
    with site.factory() as db:
        assert db.query(Policy).filter_by(control_ref="CHARTE-IA-3").count() == 0


def test_a_steward_edits_a_store(site: Api) -> None:
    store = next(iter(seeded(site).stores.values()))
    with site.factory() as db:
        db.add(Organisation(name="Hébergeur régional"))
        db.commit()
        host = db.query(Organisation).filter_by(name="Hébergeur régional").one().id
    sign_in(site, Role.STEWARD)
    assert f'href="/entrepots/{store}/modifier"' in site.client.get(f"/entrepots/{store}").text
    path = f"/entrepots/{store}/modifier"
    assert 'name="secret_ref"' not in site.client.get(path).text  # an admin's
    code, location, _ = _post(
        site,
        path,
        description="Paie des agents",
        owner="DRH",
        sensitivity="CONFIDENTIAL",
        hosting_organisation_id=str(host),
        hosting_country="fr",
        scan_schedule="0 3 * * 1",
    )
    assert code == 303 and location == f"/entrepots/{store}"
    with site.factory() as db:
        item = db.get(DataStore, store)
        assert item is not None and item.description == "Paie des agents"
        assert item.owner == "DRH" and item.hosting_country == "FR"
        assert item.hosting_organisation_id == host and item.scan_schedule == "0 3 * * 1"
        assert item.sensitivity is not None and item.sensitivity.value == "CONFIDENTIAL"
        assert db.query(AuditEvent).filter_by(action="update_data_store").count() == 1
    shown = html.unescape(site.client.get(location).text)
    assert "Paie des agents" in shown and "Hébergeur régional" in shown
    # the API's checks, in French, what was typed kept
    code, _, page = _post(site, path, owner="DRH", scan_schedule="tous les jours")
    assert code == 400 and "Non enregistré" in page and 'value="tous les jours"' in page
    assert 'aria-invalid="true" aria-describedby="err-scanSchedule"' in page
    code, _, page = _post(site, path, hosting_organisation_id="x")
    assert code == 400 and "choisissez un organisme dans la liste" in page
    # an empty field clears it
    assert _post(site, path, owner="DRH")[0] == 303
    with site.factory() as db:
        item = db.get(DataStore, store)
        assert item is not None and item.description is None and item.scan_schedule is None


def test_roles_and_csrf_guard_the_store_edit(site: Api) -> None:
    store = next(iter(seeded(site).stores.values()))
    path = f"/entrepots/{store}/modifier"
    sign_in(site, Role.AUDITOR)
    assert f'href="{path}"' not in site.client.get(f"/entrepots/{store}").text
    assert site.client.get(path).status_code == 403
    sign_in(site, Role.STEWARD)
    assert site.client.post(path, data={"owner": "X"}).status_code == 403  # no CSRF token
    sign_in(site, Role.ADMIN)
    code, _, _ = _post(site, path, secret_ref="env:REGISTRE_SECRET_PAIE")
    assert code == 303
    with site.factory() as db:
        item = db.get(DataStore, store)
        assert item is not None and item.owner is None
        assert item.secret_ref == "env:REGISTRE_SECRET_PAIE"
