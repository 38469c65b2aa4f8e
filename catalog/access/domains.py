"""Domains: the perimeters of the register, and which one a new object goes to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import Text
from registre.catalog.models.data import Organisation
from registre.catalog.models.people import Domain

#: the domain migration 0016 puts every existing object in, and a new catalog starts with
DEFAULT_DOMAIN = "default"


def list_domains(session: Session, actor: Actor) -> list[Domain]:
    """The domains ``actor`` reads (every one for an organisation-wide caller), by name."""
    actor.require(Permission.READ)
    query = select(Domain).order_by(Domain.name)
    ids = actor.domains()
    if ids is not None:
        query = query.where(Domain.id.in_(ids))
    return list(session.scalars(query))


def create_domain(
    session: Session, actor: Actor, name: str, organisation_id: int | None = None
) -> Domain:
    actor.require_wide(Permission.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput(Text("must not be blank"), field="name")
    if session.scalar(select(Domain.id).where(func.lower(Domain.name) == name.lower())):
        raise Conflict(Text("a domain named '{name}' already exists", name=name), field="name")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise NotFound(
            Text("no {model} with id {id}", model="Organisation", id=organisation_id),
            field="organisationId",
        )
    domain = Domain(name=name, organisation_id=organisation_id)
    session.add(domain)
    record(session, actor, "create_domain", domain)
    return domain


def domain_named(session: Session, name: str, field: str = "domain") -> Domain:
    """The domain called ``name`` (case-insensitive); the refusal names the known ones."""
    domain = session.scalar(select(Domain).where(func.lower(Domain.name) == name.strip().lower()))
    if domain is None:
        known = session.scalars(select(Domain.name).order_by(Domain.name)).all()
        raise NotFound(
            Text(
                "no domain named '{name}'; known domains: {items}",
                name=name,
                items=", ".join(known) or "-",
            ),
            field=field,
        )
    return domain


def default_domain(session: Session) -> Domain:
    """The default domain: the one named ``default`` (migration 0016), else the oldest one;
    created when the catalog has none."""
    domain = session.scalar(select(Domain).where(Domain.name == DEFAULT_DOMAIN))
    if domain is None:
        domain = session.scalar(select(Domain).order_by(Domain.id).limit(1))
    if domain is None:
        domain = Domain(name=DEFAULT_DOMAIN)
        session.add(domain)
        session.flush()
    return domain


def domain_for_new(
    session: Session, actor: Actor, domain_id: int | None, permission: Permission
) -> int:
    """The domain a new object of ``actor`` goes to, checked: ``domain_id`` when given (the
    actor must hold ``permission`` there); else the actor's only domain where it holds the
    permission; else, for an organisation-wide actor, the default domain; else a refusal
    naming ``domainId``."""
    if domain_id is not None:
        if session.get(Domain, domain_id) is None:
            raise NotFound(
                Text("no {model} with id {id}", model="Domain", id=domain_id), field="domainId"
            )
        actor.require(permission, domain_id)
        return domain_id
    domains = actor.domains(permission)
    if domains is None:
        return default_domain(session).id
    if len(domains) == 1:
        return next(iter(domains))
    if not domains:
        actor.require(permission)  # raises: the actor holds it nowhere
    raise InvalidInput(
        Text("required: this caller has several domains; choose one"), field="domainId"
    )


def check_move(
    session: Session,
    actor: Actor,
    current: int | None,
    changes: dict[str, Any],
    permission: Permission,
) -> None:
    """An update of an object of domain ``current``: ``permission`` there, and, when
    ``changes`` move it (``domain_id``), there too."""
    actor.require_on(permission, current)
    if "domain_id" not in changes:
        return
    target = changes["domain_id"]
    if target is None:
        raise InvalidInput(Text("cannot be null"), field="domainId")
    if session.get(Domain, target) is None:
        raise NotFound(Text("no {model} with id {id}", model="Domain", id=target), field="domainId")
    actor.require_on(permission, target)
