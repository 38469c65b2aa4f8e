"""The admins' page of people and domains (``/personnes``): a person signed in by their
identity provider waits first in the list, an admin grants them a role through the form and
their actor then holds it; revoking, disabling and creating a domain through the page; the
catalog's refusals shown in French; everyone else gets 403 and no link to it."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from registre.catalog.access.domains import create_domain
from registre.catalog.access.oidc import Identity, sign_in_person
from registre.catalog.access.people import actor_for_user, create_user, grant_role
from registre.catalog.access.roles import CLI_ACTOR, Grant
from registre.catalog.enums import Role, UserKind
from registre.catalog.models import AuditEvent, Domain, User
from registre.catalog.models.base import utcnow
from registre.config.oidc import OidcSettings
from tests.support.api import Api
from tests.web.conftest import csrf_of, sign_in

ISSUER = "https://sso.ville.example/realms/agents"


def _first_sign_in(api: Api, sub: str, given: str, family: str, days_ago: int = 0) -> int:
    """A person's first sign-in through OpenID Connect, as the callback records it (the
    claims already verified: tests/web/oidc runs the real provider)."""
    settings = OidcSettings(issuer=ISSUER, client_id="registre")
    claims = {"sub": sub, "email": f"{given.lower()}@ville.fr", "name": f"{given} {family}"}
    when = utcnow() - dt.timedelta(days=days_ago)
    with api.factory() as session:
        user = sign_in_person(session, settings, Identity(ISSUER, sub, claims), when)
        session.commit()
        return user.id


def _domain(api: Api, name: str) -> int:
    with api.factory() as session:
        domain = create_domain(session, CLI_ACTOR, name)
        session.commit()
        return domain.id


def _post(api: Api, path: str, data: dict[str, str]) -> object:
    page = api.client.get("/personnes")
    assert page.status_code == 200, page.text
    return api.client.post(path, data={"csrf": csrf_of(page.text)} | data, follow_redirects=False)


def test_an_admin_grants_a_role_to_a_person_signed_in_by_their_provider(site: Api) -> None:
    rh = _domain(site, "RH")
    with site.factory() as session:
        recorded = create_user(session, CLI_ACTOR, "Zoé Ancienne", "zoe@ville.fr")  # no sign-in
        create_user(session, CLI_ACTOR, "Analyse de nuit", kind=UserKind.SERVICE)  # no wait
        session.commit()
        zoe = recorded.id
    first = _first_sign_in(site, "s-1", "Agnès", "Varda", days_ago=2)
    newest = _first_sign_in(site, "s-2", "Jacques", "Demy")
    sign_in(site, Role.ADMIN)
    page = site.client.get("/personnes")
    assert page.status_code == 200
    assert 'href="/personnes" aria-current="page"' in page.text  # the admin's navigation
    rows = re.findall(r'<tr id="user-(\d+)">', page.text)
    # those waiting for a role first, the newest sign-in first, then those never signed in
    assert [int(r) for r in rows[:3]] == [newest, first, zoe]
    assert page.text.count("en attente d’un rôle") == 3  # Zoé waits too, signed in or not
    assert "3 personnes attendent un rôle" in page.text
    answer = _post(
        site,
        "/personnes/attribuer",
        {"user_id": str(first), "role": "steward", "domain_id": str(rh)},
    )
    assert answer.status_code == 303, getattr(answer, "text", "")  # type: ignore[attr-defined]
    with site.factory() as session:
        user = session.get(User, first)
        assert user is not None
        actor = actor_for_user(session, user)
        assert actor is not None and actor.grants == (Grant(Role.STEWARD, rh),)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and (event.action, event.actor) == ("grant_role", "token:admin")
    page = site.client.get("/personnes?fait=attribue")
    assert "Rôle attribué." in page.text
    row = page.text.split(f'<tr id="user-{first}">')[1].split("</tr>")[0]
    assert "· RH" in row
    assert "en attente" not in row


def test_revoke_disable_and_create_a_domain_through_the_page(site: Api) -> None:
    social = _domain(site, "Social")
    with site.factory() as session:
        user = create_user(session, CLI_ACTOR, "Luc Moreau", "luc@ville.fr")
        grant_role(session, CLI_ACTOR, user, Role.AUDITOR)
        grant_role(session, CLI_ACTOR, user, Role.DPO, social)
        session.commit()
        user_id = user.id
    sign_in(site, Role.ADMIN)
    answer = _post(
        site,
        "/personnes/retirer",
        {"user_id": str(user_id), "role": "auditor", "domain_id": ""},
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    with site.factory() as session:
        found = session.get(User, user_id)
        assert found is not None
        assert [(g.role, g.domain_id) for g in found.grants] == [(Role.DPO, social)]
    answer = _post(site, "/personnes/desactiver", {"user_id": str(user_id)})
    assert answer.status_code == 303  # type: ignore[attr-defined]
    with site.factory() as session:
        found = session.get(User, user_id)
        assert found is not None and found.disabled_at is not None
        assert actor_for_user(session, found) is None
    row = site.client.get("/personnes").text.split(f'<tr id="user-{user_id}">')[1]
    assert "désactivé" in row.split("</tr>")[0]
    answer = _post(site, "/personnes/domaines", {"name": "Culture"})
    assert answer.status_code == 303  # type: ignore[attr-defined]
    with site.factory() as session:
        assert session.scalar(select(Domain.id).where(Domain.name == "Culture")) is not None
    assert "<td>Culture</td>" in site.client.get("/personnes").text


def test_refusals_are_shown_in_french_and_change_nothing(site: Api) -> None:
    rh = _domain(site, "RH")
    person = _first_sign_in(site, "s-9", "Anne", "Laurent")
    sign_in(site, Role.ADMIN)
    with site.factory() as session:
        before = len(session.scalars(select(AuditEvent.id)).all())
    cases = [
        (
            "/personnes/attribuer",
            {"user_id": str(person), "role": "admin", "domain_id": str(rh)},
            "le rôle « admin » ne s’accorde que sur toute l’organisation",
        ),
        (
            "/personnes/retirer",
            {"user_id": str(person), "role": "dpo", "domain_id": ""},
            "« Anne Laurent » n’a pas le rôle « dpo »",
        ),
        ("/personnes/domaines", {"name": "rh"}, "un domaine nommé « rh » existe déjà"),
        ("/personnes/domaines", {"name": "  "}, "ne doit pas être vide"),
    ]
    for path, data, message in cases:
        answer = _post(site, path, data)
        text = answer.text  # type: ignore[attr-defined]
        assert answer.status_code == 400, (path, text)  # type: ignore[attr-defined]
        assert 'id="refusal"' in text and message in text, (path, message)
    with site.factory() as session:
        assert len(session.scalars(select(AuditEvent.id)).all()) == before
        user = session.get(User, person)
        assert user is not None and user.grants == []


def test_a_steward_gets_403_and_no_link(site: Api) -> None:
    person = _first_sign_in(site, "s-3", "Marc", "Bloch")
    sign_in(site, Role.STEWARD)
    home = site.client.get("/")
    assert home.status_code == 200 and 'href="/personnes"' not in home.text
    assert site.client.get("/personnes").status_code == 403
    csrf = csrf_of(home.text)
    for path, data in (
        ("/personnes/attribuer", {"user_id": str(person), "role": "steward", "domain_id": ""}),
        ("/personnes/desactiver", {"user_id": str(person)}),
        ("/personnes/domaines", {"name": "Pris"}),
    ):
        answer = site.client.post(path, data={"csrf": csrf} | data)
        assert answer.status_code == 403, path
        assert "Votre rôle ne le permet pas." in answer.text
    with site.factory() as session:
        user = session.get(User, person)
        assert user is not None and user.grants == [] and user.disabled_at is None
        assert session.scalar(select(Domain.id).where(Domain.name == "Pris")) is None
