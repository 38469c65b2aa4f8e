"""The exposure of personal data as the register keeps it, for reads at any size.

``exposure_finding`` holds one row per finding that counts as personal data
(:func:`~registre.catalog.data.findings.counts_as_personal_sql`) on a field still present of
a dataset still present, with its dataset and store: what ``exposure``, its summary and
``containsPersonalData`` read instead of joining ``finding`` with ``field``.
``exposure_dataset`` holds one row per dataset still present: where its store is hosted,
whether it, or an AI system using the dataset, is outside the EU/EEA or under non-EU control,
and how many of its fields hold personal data; ``exposure_category`` the same count by
category.

Both are derived: rebuilt for the datasets a change touches in the same transaction
(:mod:`registre.catalog.exposure.kept`), and in full by ``registre compliance refresh`` and
``registre db upgrade``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registre.catalog.models.base import Base


class ExposureFindingRow(Base):
    """A finding counted as personal data, with where it is (derived, see the module)."""

    __tablename__ = "exposure_finding"
    __table_args__ = (
        Index("ix_exposure_finding_dataset", "dataset_id", "category", "status"),
        Index("ix_exposure_finding_category", "category", "status", "dataset_id"),
    )

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    field_id: Mapped[int] = mapped_column(Integer)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    data_store_id: Mapped[int] = mapped_column(Integer)
    entity_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))


class ExposureDatasetRow(Base):
    """A dataset still present, with its hosting (derived, see the module)."""

    __tablename__ = "exposure_dataset"
    __table_args__ = (
        Index("ix_exposure_dataset_store", "data_store_id", "dataset_id"),
        Index("ix_exposure_dataset_exposed", "fields", "dataset_id"),
    )

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data_store_id: Mapped[int] = mapped_column(Integer)
    #: the store's hosting country, else its hosting organisation's (as recorded)
    hosting_country: Mapped[str | None] = mapped_column(String(64))
    #: its store, or an AI system using it (host or provider), is outside the EU/EEA
    outside_eu: Mapped[bool] = mapped_column(Boolean)
    #: its store's host, or an AI system's host or provider, is under non-EU control
    non_eu_control: Mapped[bool] = mapped_column(Boolean)
    #: fields holding personal data (0: the dataset is not exposed)
    fields: Mapped[int] = mapped_column(Integer)


class ExposureCategoryRow(Base):
    """The fields of a dataset holding personal data of one category (derived, see the
    module): what the exposure summary sums when no finding criterion narrows it."""

    __tablename__ = "exposure_category"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    fields: Mapped[int] = mapped_column(Integer)


class ExposureDatasetAIRow(Base):
    """A risk class of the AI systems using a dataset still present (derived, see the
    module): one row per dataset and distinct class (None: a system not classified yet)."""

    __tablename__ = "exposure_dataset_ai"
    __table_args__ = (Index("ix_exposure_dataset_ai_dataset", "dataset_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    risk_class: Mapped[str | None] = mapped_column(String(32))


class ExposureTotalRow(Base):
    """A total of the exposure summary over every exposed dataset (derived, see
    :mod:`registre.catalog.exposure.totals`): ``scope`` "all" (every exposed dataset),
    "ai" (those an AI system uses), or another filter's (``totals.SCOPES``); ``kind``
    "total", "category", "store" (key: the store's id), "country" or "risk"; ``key`` None
    where the summary shows "not recorded".
    Several rows may share a key (read summed)."""

    __tablename__ = "exposure_total"
    __table_args__ = (Index("ix_exposure_total_kind", "scope", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(64))
    datasets: Mapped[int] = mapped_column(Integer)
    fields: Mapped[int] = mapped_column(Integer)
