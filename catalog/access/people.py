"""Users (people and service accounts) and the roles granted to them, per domain or on the
whole organisation."""

from __future__ import annotations

import enum
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record
from registre.catalog.access.roles import (
    ORGANISATION_ONLY_ROLES,
    Actor,
    Grant,
    Permission,
    widest_role,
)
from registre.catalog.enums import Role, UserKind
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import N_, Text
from registre.catalog.models.base import utcnow
from registre.catalog.models.data import Organisation
from registre.catalog.models.people import Domain, RoleGrant, User

E = TypeVar("E", bound=enum.Enum)


def _one_of(members: type[E], value: E | str, field: str, refusal: str) -> E:
    """``value`` as a member of ``members``, else refused on ``field`` by ``refusal`` (a
    message naming ``{field}`` and the accepted ``{items}``)."""
    try:
        return members(value)
    except ValueError:
        items = ", ".join(str(m.value) for m in members)
        raise InvalidInput(Text(refusal, **{field: value, "items": items}), field=field) from None


def parse_role(role: Role | str) -> Role:
    return _one_of(Role, role, "role", N_("unknown role '{role}'; one of {items}"))


def grants_of(user: User) -> tuple[Grant, ...]:
    return tuple(
        sorted(
            (Grant(g.role, g.domain_id) for g in user.grants),
            key=lambda g: (g.domain_id or 0, g.role.value),
        )
    )


def actor_for_user(session: Session, user: User) -> Actor | None:
    """The actor of a signed-in person: None when the user is disabled or holds no role (the
    person is signed in but may see nothing until an admin grants one)."""
    if user.disabled_at is not None:
        return None
    grants = grants_of(user)
    if not grants:
        return None
    return Actor(name=user.name, role=widest_role(grants), user_id=user.id, grants=grants)


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require_wide(Permission.ADMIN)
    return list(session.scalars(select(User).order_by(User.name, User.id)))


def waiting_for_role(user: User) -> bool:
    """Whether ``user`` is an enabled person holding no role yet (signed in by their identity
    provider, seeing nothing until an admin grants one). A service account acts through its
    tokens' roles: it waits for nothing."""
    return user.kind is UserKind.PERSON and user.disabled_at is None and not user.grants


def users_waiting_first(session: Session, actor: Actor) -> list[User]:
    """Every user for an admin's review: those waiting for a role first (the newest sign-in
    first, then those never signed in), then the others by name."""
    users = list_users(session, actor)
    waiting = [u for u in users if waiting_for_role(u)]
    # signed in first, the newest first; then those recorded but never signed in, the newest
    waiting.sort(
        key=lambda u: (u.last_sign_in_at is not None, u.last_sign_in_at or u.created_at),
        reverse=True,
    )
    return waiting + [u for u in users if not waiting_for_role(u)]


def get_user(session: Session, actor: Actor, user_id: int, field: str = "user") -> User:
    """The user ``user_id`` (admins), else refused as not found on the input ``field``."""
    actor.require_wide(Permission.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Text("no {model} with id {id}", model="User", id=user_id), field=field)
    return user


def user_named(session: Session, key: str) -> User:
    """A user by e-mail, else by name (the refusal says which)."""
    key = key.strip()
    user = session.scalar(select(User).where(func.lower(User.email) == key.lower()))
    if user is None:
        users = session.scalars(select(User).where(User.name == key)).all()
        if len(users) > 1:
            raise Conflict(
                Text("several users are named '{name}'; give the e-mail", name=key), field="user"
            )
        user = users[0] if users else None
    if user is None:
        raise NotFound(Text("no user '{name}' (by e-mail or name)", name=key), field="user")
    return user


def create_user(
    session: Session,
    actor: Actor,
    name: str,
    email: str | None = None,
    *,
    kind: UserKind | str = UserKind.PERSON,
    organisation_id: int | None = None,
) -> User:
    actor.require_wide(Permission.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput(Text("must not be blank"), field="name")
    email = (email or "").strip() or None
    if email is not None:
        if "@" not in email:
            raise InvalidInput(Text("not an e-mail address"), field="email")
        if session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
            raise Conflict(Text("a user with e-mail '{email}' exists", email=email), field="email")
    kind = _one_of(UserKind, kind, "kind", N_("unknown kind '{kind}'; one of {items}"))
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise NotFound(
            Text("no {model} with id {id}", model="Organisation", id=organisation_id),
            field="organisationId",
        )
    user = User(name=name, email=email, kind=kind, organisation_id=organisation_id)
    session.add(user)
    record(session, actor, "create_user", user)
    return user


def _check_grant(session: Session, role: Role, domain_id: int | None) -> None:
    if domain_id is not None:
        if session.get(Domain, domain_id) is None:
            raise NotFound(
                Text("no {model} with id {id}", model="Domain", id=domain_id), field="domainId"
            )
        if role in ORGANISATION_ONLY_ROLES:
            raise InvalidInput(
                Text(
                    "the role '{role}' is granted on the whole organisation only", role=role.value
                ),
                field="domainId",
            )


def grant_role(
    session: Session, actor: Actor, user: User, role: Role | str, domain_id: int | None = None
) -> RoleGrant:
    """Grant ``role`` to ``user`` on a domain (None: the whole organisation); granting a role
    already held changes nothing."""
    actor.require_wide(Permission.ADMIN)
    role = parse_role(role)
    _check_grant(session, role, domain_id)
    for existing in user.grants:
        if existing.role is role and existing.domain_id == domain_id:
            return existing
    grant = RoleGrant(user_id=user.id, role=role, domain_id=domain_id)
    user.grants.append(grant)
    record(session, actor, "grant_role", grant)
    return grant


def revoke_role(
    session: Session, actor: Actor, user: User, role: Role | str, domain_id: int | None = None
) -> RoleGrant:
    actor.require_wide(Permission.ADMIN)
    role = parse_role(role)
    for existing in user.grants:
        if existing.role is role and existing.domain_id == domain_id:
            record(session, actor, "revoke_role", existing)
            user.grants.remove(existing)
            session.delete(existing)
            return existing
    raise NotFound(
        Text("'{name}' holds no role '{role}' there", name=user.name, role=role.value),
        field="role",
    )


def disable_user(session: Session, actor: Actor, user: User) -> User:
    """Disable a user: its tokens stop working and it signs in to nothing. Users are never
    deleted, so that the audit trail keeps naming them."""
    actor.require_wide(Permission.ADMIN)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        record(session, actor, "disable_user", user)
    return user
