"""Compliance issues as the register keeps them: opened, kept current, closed.

An issue is one broken (or unverifiable) obligation about one subject. The rules
(:mod:`catalog.compliance`) are evaluated again for the subjects a change touches, and the
result is written here (:mod:`catalog.compliance.store`): a new issue opens a record, an
issue still found updates it, an issue no longer found is closed (``closed_at``) and stays
recorded. An issue that reappears after being closed starts a new record: each record is
one period during which the obligation was broken.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registre.catalog.models.base import Base, intpk, utcnow

#: open records only: the partial indexes below apply to them
OPEN = text("closed_at IS NULL")


#: the columns the compliance pages search (``registre.web.issues.statement``)
SEARCHED = ("rule", "subject_name", "message", "message_fr")


class StoredIssue(Base):
    """One period during which a compliance rule was broken about one subject.

    ``identity`` tells records of the same rule and subject apart (the ids among its facts,
    see :func:`catalog.compliance.store.identity`); at most one record per identity is open.
    ``facts`` are register facts only (ids, names, statuses, dates), never a scanned value.
    """

    __tablename__ = "compliance_issue"
    __table_args__ = (
        Index(
            "uq_compliance_issue_open_identity",
            "rule",
            "subject_type",
            "subject_id",
            "identity",
            unique=True,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        ),
        # the API's order (most severe first), open issues only
        Index(
            "ix_compliance_issue_open_order",
            "severity_rank",
            "rule",
            "subject_type",
            "subject_id",
            "sort_message",
            "id",
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        ),
        Index("ix_compliance_issue_subject", "subject_type", "subject_id"),
        Index("ix_compliance_issue_closed_at", "closed_at"),
        Index("ix_compliance_issue_first_seen_at", "first_seen_at"),
        # the pages' search by part of a rule, a subject or a message, in English or French
        # (ILIKE '%...%'), PostgreSQL only: trigram GIN indexes (pg_trgm, migration 0018)
        *(
            Index(
                f"ix_compliance_issue_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in SEARCHED
        ),
    )

    id: Mapped[intpk]
    rule: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    subject_name: Mapped[str] = mapped_column(Text)
    identity: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    #: 0 = CRITICAL ... 4 = INFO, for ordering and "at least this severe"
    severity_rank: Mapped[int] = mapped_column(Integer)
    legal_basis: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    #: the message as a template and its parameters (:class:`registre.catalog.i18n.Text`),
    #: rendered in each reader's language; None for a message that has no template
    message_text: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: the message rendered in French, as the French pages show it and search it (written
    #: with the issue, and again by a refresh if its translation changed: see
    #: :func:`registre.catalog.compliance.store.refresh`)
    message_fr: Mapped[str | None] = mapped_column(Text)
    #: the message's start, for a keyset order an index can hold (messages can be long)
    sort_message: Mapped[str] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    applies_from: Mapped[dt.date | None] = mapped_column(Date)
    #: reported as coming (INFO) because ``applies_from`` was still ahead when evaluated
    not_yet_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]

    mentions: Mapped[list[IssueMention]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", passive_deletes=True
    )


class IssueMention(Base):
    """An AI system or dataset an issue is about or names among its facts: what the API's
    ``aiSystemId`` / ``datasetId`` filters and the exposure read by index."""

    __tablename__ = "compliance_issue_mention"
    __table_args__ = (Index("ix_compliance_issue_mention_subject", "subject_type", "subject_id"),)

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_issue.id", ondelete="CASCADE"), primary_key=True
    )
    subject_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)

    issue: Mapped[StoredIssue] = relationship(back_populates="mentions")
