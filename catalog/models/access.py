"""Who may do what, and what they did: API tokens, the web interface's sessions and the
audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registre.catalog.enums import Role
from registre.catalog.models.base import Base, created_at, intpk, str_enum, utcnow


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored. Its domains (``api_token_domain``) limit
    what it sees and changes; none: the whole organisation."""

    __tablename__ = "api_token"
    __audit_exclude__ = frozenset({"token_hash"})

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the person or service account it belongs to (None: a token of its own); users are
    #: disabled, never deleted (the trail keeps naming them), hence no ON DELETE
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A browser signed in to the web interface, with an API token or as a person (single
    sign-on): exactly one of ``api_token_id`` and ``user_id``. Only the SHA-256 of the
    session id (the browser's cookie) is stored, and the token by its id, never in clear:
    the database can be read without letting anybody sign in. Kept in the catalog so that a
    restart signs nobody out and several API processes serve the same sessions.

    ``id_token`` is the ID token of a person's sign-in, kept for one use: the
    ``id_token_hint`` of the logout at the provider (ProConnect requires it). Storing it is
    acceptable because it grants nothing: it is an assertion addressed to Registre itself
    (``aud``), not an access token to any API, and Registre never accepts one to sign
    anybody in (a sign-in is the whole code flow, with PKCE); it expires within minutes at
    the provider, and the row is deleted at logout or when the session idles out. The access
    and refresh tokens are not kept at all."""

    __tablename__ = "web_session"
    __table_args__ = (
        CheckConstraint("(api_token_id IS NULL) <> (user_id IS NULL)", name="token_or_user"),
    )

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    id_token: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    #: the idle timeout counts from here (written at most once a minute)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """One change to the register: who, when, what, before and after."""

    __tablename__ = "audit_event"

    id: Mapped[intpk]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="SET NULL"))
    #: the person behind the change (users are disabled, never deleted)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: the domain of what changed (None: organisation-wide objects); read by the filter of
    #: the trail, kept as a plain number so that the trail outlives a deleted domain
    domain_id: Mapped[int | None] = mapped_column(index=True)
