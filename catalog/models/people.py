"""People and their perimeter: domains, users and the roles granted to them.

A domain is a perimeter of the register (a directorate, a service, a commune of a shared
service). Data stores, AI systems and processing activities belong to one; datasets and
fields belong to their store's. A role is granted to a user on one domain, or on the whole
organisation (``domain_id`` NULL)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registre.catalog.enums import Role, UserKind
from registre.catalog.models.base import Base, created_at, intpk, str_enum

if TYPE_CHECKING:
    from registre.catalog.models.data import Organisation


class Domain(Base):
    """A perimeter of the register: what a domain-scoped role sees and changes."""

    __tablename__ = "domain"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: where one catalog serves several organisations (a shared service's communes)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    organisation: Mapped[Organisation | None] = relationship()


class User(Base):
    """A person, or a service account, that holds roles and API tokens."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    kind: Mapped[UserKind] = mapped_column(str_enum(UserKind), default=UserKind.PERSON)
    #: who the person is at the identity provider (OpenID Connect ``iss`` and ``sub``)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_at]
    last_sign_in_at: Mapped[dt.datetime | None]
    #: a disabled user signs in to nothing and its tokens stop working
    disabled_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class RoleGrant(Base):
    """A role held by a user on a domain, or on the whole organisation (``domain_id`` NULL)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "domain_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role))
    domain_id: Mapped[int | None] = mapped_column(
        ForeignKey("domain.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="grants")
    domain: Mapped[Domain | None] = relationship()


#: the domains an API token is limited to; none: the whole organisation
api_token_domain = Table(
    "api_token_domain",
    Base.metadata,
    Column("api_token_id", ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", ForeignKey("domain.id", ondelete="CASCADE"), primary_key=True),
)
