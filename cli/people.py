"""``registre token``, ``registre domain`` and ``registre user``: API tokens (with their
domains and their user), the domains of the register, users and their roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access import domains, people
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token, revoke_token, token_domains
from registre.catalog.enums import Role, UserKind
from registre.catalog.i18n import N_, Text
from registre.catalog.models import ApiToken, Domain, User
from registre.cli.common import console, headers, say, shown, unit_of_work

token_app = typer.Typer(help=N_("Create, list and revoke API bearer tokens."), no_args_is_help=True)
domain_app = typer.Typer(
    help=N_("Create and list domains: the perimeters roles and tokens are limited to."),
    no_args_is_help=True,
)
user_app = typer.Typer(
    help=N_("Create and list users; grant and revoke their roles, per domain or everywhere."),
    no_args_is_help=True,
)

DomainOption = Annotated[
    list[str] | None,
    typer.Option(
        "--domain",
        help="A domain it is limited to (repeatable); none: the whole organisation.",
    ),
]


def _domains(session: Session, names: list[str] | None) -> list[Domain]:
    return [domains.domain_named(session, name) for name in names or []]


def _where(session: Session, domain_ids: list[int]) -> str:
    if not domain_ids:
        return say(Text("the whole organisation"))
    names = session.scalars(
        select(Domain.name).where(Domain.id.in_(domain_ids)).order_by(Domain.name)
    )
    return ", ".join(shown(n) for n in names)


# --- tokens -----------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="A name that says who or what uses it.")],
    role: Annotated[
        Role, typer.Option("--role", help="What the token may do.", case_sensitive=False)
    ],
    domain: DomainOption = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user", help="The user it belongs to (e-mail or name): the trail names them."
        ),
    ] = None,
) -> None:
    """Create a token. It is printed once, on the last line; only its hash is kept."""
    with unit_of_work() as session:
        owner = people.user_named(session, user) if user else None
        limited = _domains(session, domain)
        token, clear = create_token(session, CLI_ACTOR, name, role, limited, owner)
        where = _where(session, [d.id for d in limited])
    console.print(
        say(
            Text(
                "token '{name}' created with role {role} on {where}; it is shown only once:",
                name=shown(token.name),
                role=token.role.value,
                where=where,
            )
        )
    )
    print(clear)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: requests bearing it get 401 from now on."""
    with unit_of_work() as session:
        revoke_token(session, CLI_ACTOR, name)
    console.print(say(Text("token '{name}' revoked", name=shown(name))))


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, domains, user, use; never the tokens themselves)."""
    with unit_of_work() as session:
        table = headers(
            N_("name"),
            N_("role"),
            N_("domains"),
            N_("user"),
            N_("created"),
            N_("last used"),
            N_("revoked"),
        )
        for t in session.scalars(select(ApiToken).order_by(ApiToken.id)):
            owner = session.get(User, t.user_id) if t.user_id else None
            table.add_row(
                shown(t.name),
                t.role.value,
                _where(session, token_domains(session, t.id)),
                shown(owner.name) if owner else "-",
                f"{t.created_at:%Y-%m-%d %H:%M}",
                f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-",
                f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "-",
            )
    console.print(table)


# --- domains ----------------------------------------------------------------------------


@domain_app.command("create")
def domain_create(name: Annotated[str, typer.Argument(help="The domain's name, e.g. HR.")]) -> None:
    """Create a domain."""
    with unit_of_work() as session:
        domains.create_domain(session, CLI_ACTOR, name)
    console.print(say(Text("domain '{name}' created", name=shown(name.strip()))))


@domain_app.command("list")
def domain_list() -> None:
    """List the domains, with what each holds."""
    from sqlalchemy import func

    from registre.catalog.models import AISystem, DataStore, ProcessingActivity

    with unit_of_work() as session:
        table = headers(
            N_("name"), N_("data stores"), N_("AI systems"), N_("processing activities")
        )
        for d in domains.list_domains(session, CLI_ACTOR):
            counts = [
                session.scalar(select(func.count()).where(model.domain_id == d.id))
                for model in (DataStore, AISystem, ProcessingActivity)
            ]
            table.add_row(shown(d.name), *(str(c or 0) for c in counts))
    console.print(table)


# --- users ------------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    name: Annotated[str, typer.Option("--name", help="The person's (or service's) name.")],
    email: Annotated[str | None, typer.Option("--email", help="Their e-mail address.")] = None,
    kind: Annotated[
        UserKind,
        typer.Option("--kind", help="A person or a service account.", case_sensitive=False),
    ] = UserKind.PERSON,
) -> None:
    """Create a user, with no role until one is granted."""
    with unit_of_work() as session:
        user = people.create_user(session, CLI_ACTOR, name, email, kind=kind)
        shown_name = shown(user.name)
    console.print(
        say(Text("user '{name}' created; grant a role with 'registre user grant'", name=shown_name))
    )


@user_app.command("list")
def user_list() -> None:
    """List users and their roles."""
    with unit_of_work() as session:
        table = headers(N_("name"), N_("e-mail"), N_("kind"), N_("roles"))
        names = {d.id: d.name for d in session.scalars(select(Domain))}
        for u in people.list_users(session, CLI_ACTOR):
            roles = ", ".join(
                f"{g.role.value}@{shown(names.get(g.domain_id, '?'))}"
                if g.domain_id is not None
                else f"{g.role.value}@{say(Text('organisation'))}"
                for g in people.grants_of(u)
            )
            table.add_row(shown(u.name), shown(u.email or "-"), u.kind.value, roles or "-")
    console.print(table)


UserArgument = Annotated[str, typer.Argument(help="The user: e-mail or name.")]
RoleOption = Annotated[Role, typer.Option("--role", help="The role.", case_sensitive=False)]
GrantDomain = Annotated[
    str | None,
    typer.Option("--domain", help="The domain; none: the whole organisation."),
]


def _change_role(
    user: str, role: Role, domain: str | None, change: Callable[..., Any], done: str
) -> None:
    """Grant or revoke (``change``) ``role`` on ``domain`` (none: the whole organisation),
    then say ``done`` (a message naming ``{name}``, ``{role}`` and ``{where}``)."""
    with unit_of_work() as session:
        found = people.user_named(session, user)
        where = domains.domain_named(session, domain) if domain else None
        change(session, CLI_ACTOR, found, role, where.id if where else None)
        place = shown(where.name) if where else say(Text("the whole organisation"))
        name = shown(found.name)
    console.print(say(Text(done, name=name, role=role.value, where=place)))


@user_app.command("grant")
def user_grant(user: UserArgument, role: RoleOption, domain: GrantDomain = None) -> None:
    """Grant a role to a user, on a domain or on the whole organisation."""
    _change_role(user, role, domain, people.grant_role, N_("{name} is now {role} on {where}"))


@user_app.command("revoke")
def user_revoke(user: UserArgument, role: RoleOption, domain: GrantDomain = None) -> None:
    """Take a role back."""
    done = N_("{name} is no longer {role} on {where}")
    _change_role(user, role, domain, people.revoke_role, done)


@user_app.command("disable")
def user_disable(user: UserArgument) -> None:
    """Disable a user: its tokens stop working, it signs in to nothing (the trail keeps it)."""
    with unit_of_work() as session:
        found = people.user_named(session, user)
        people.disable_user(session, CLI_ACTOR, found)
        name = shown(found.name)
    console.print(say(Text("user '{name}' disabled", name=name)))
