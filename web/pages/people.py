"""People and domains, for admins: who may do what, where (``/personnes``).

Every user with their kind, organisation, grants and last sign-in, the persons who signed in
and wait for a role first; forms to grant a role on a domain or on the whole organisation,
revoke a grant, disable a user, and create a domain. Everything goes through the catalog
services (``catalog/access/people.py``, ``domains.py``), which check that the visitor is an
organisation-wide admin and audit each change; their refusals are shown in the page's
language.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from registre.catalog.access import domains, people
from registre.catalog.access.roles import Permission
from registre.catalog.enums import Role
from registre.catalog.errors import DomainError, InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.models.people import User
from registre.web.core import Page
from registre.web.labels import label

HOME = "/personnes"


def people_page(page: Page, error: DomainError | None = None, done: str | None = None) -> Response:
    page.actor.require_wide(Permission.ADMIN)
    users = people.users_waiting_first(page.db, page.actor)
    all_domains = domains.list_domains(page.db, page.actor)
    roles = [(r.value, label(page.t, r)) for r in Role]
    return page.render(
        "people.html",
        status=400 if error else 200,
        users=users,
        waiting={u.id for u in users if people.waiting_for_role(u)},
        domains=all_domains,
        roles=roles,
        error=error,
        done=done or page.arg("fait"),
    )


def _user(page: Page) -> User:
    value = page.field("user_id")
    if not value.isdigit():
        raise InvalidInput(Text("required"), field="user")
    return people.get_user(page.db, page.actor, int(value))


def _domain(page: Page) -> int | None:
    """The domain of a grant: empty means the whole organisation."""
    value = page.field("domain_id")
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(Text("not an id"), field="domainId")
    return int(value)


def _change(page: Page, action: Any, done: str) -> Response:
    """Run ``action`` and commit, then back to the list; a refusal shows on the list."""
    page.actor.require_wide(Permission.ADMIN)
    try:
        action()
        page.db.commit()
    except DomainError as exc:
        page.db.rollback()
        return people_page(page, error=exc)
    return page.back(f"{HOME}?fait={done}")


def grant(page: Page) -> Response:
    return _change(
        page,
        lambda: people.grant_role(
            page.db, page.actor, _user(page), page.field("role"), _domain(page)
        ),
        "attribue",
    )


def revoke(page: Page) -> Response:
    return _change(
        page,
        lambda: people.revoke_role(
            page.db, page.actor, _user(page), page.field("role"), _domain(page)
        ),
        "retire",
    )


def disable(page: Page) -> Response:
    return _change(page, lambda: people.disable_user(page.db, page.actor, _user(page)), "desactive")


def create_domain(page: Page) -> Response:
    return _change(
        page, lambda: domains.create_domain(page.db, page.actor, page.field("name")), "domaine"
    )
