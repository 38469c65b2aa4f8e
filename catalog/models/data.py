"""Where the data lives: organisations, data stores, datasets, fields, findings, scan runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registre.catalog.enums import (
    CommunicationException,
    DatasetKind,
    DataStoreKind,
    FindingStatus,
    Frequency,
    Licence,
    OpenDataAccess,
    PublicationGround,
    ScanStatus,
    ScanTableStatus,
    ScanTrigger,
    Sensitivity,
    TableSubject,
)
from registre.catalog.models.base import (
    Base,
    created_at,
    intpk,
    json_list,
    name_str,
    str_enum,
    utcnow,
)


class Organisation(Base):
    """A public body, a provider, a host or a processor."""

    __tablename__ = "organisation"

    id: Mapped[intpk]
    name: Mapped[name_str] = mapped_column(unique=True)
    siren: Mapped[str | None] = mapped_column(String(9))
    is_public_body: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    # INSEE catégorie juridique (SIRENE, 4 digits): 7120 a ministry's central service, 7210 a
    # commune, 73xx administrative public establishments, 5xxx companies... Who the French
    # rules apply to is read from it (config/compliance.yaml, scopes).
    legal_category: Mapped[str | None] = mapped_column(String(4))
    # a private body entrusted with a public service (AI Act Art. 27(1); CRPA L100-3)
    provides_public_service: Mapped[bool] = mapped_column(Boolean, default=False)
    # certified under the EU-US Data Privacy Framework (GDPR Art. 45, Decision 2023/1795)
    dpf_certified: Mapped[bool] = mapped_column(Boolean, default=False)
    non_eu_control: Mapped[bool] = mapped_column(Boolean, default=False)
    qualifications: Mapped[json_list]  # e.g. ["SECNUMCLOUD", "HDS"]
    headcount: Mapped[int | None] = mapped_column(Integer)  # CRPA L312-1-3 applies over 50 FTE
    dpo_contact: Mapped[str | None] = mapped_column(String(200))  # GDPR Art. 37
    address: Mapped[str | None] = mapped_column(Text)  # postal address (Annex VIII C.1)
    created_at: Mapped[created_at]


class DataStore(Base):
    """A database or a file share that Registre harvests and scans."""

    __tablename__ = "data_store"
    # secret_ref names where the secret is; even that stays out of the audit trail.
    __audit_exclude__ = frozenset({"secret_ref"})

    id: Mapped[intpk]
    name: Mapped[name_str] = mapped_column(unique=True)
    kind: Mapped[DataStoreKind] = mapped_column(str_enum(DataStoreKind))
    url: Mapped[str] = mapped_column(Text)  # never holds a password (checked on registration)
    secret_ref: Mapped[str | None] = mapped_column(String(500))  # "env:VAR" or "file:/path"
    description: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    hosting_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    hosting_country: Mapped[str | None] = mapped_column(String(2))
    sensitivity: Mapped[Sensitivity | None] = mapped_column(str_enum(Sensitivity))
    scan_schedule: Mapped[str | None] = mapped_column(String(100))  # cron expression
    #: the perimeter it belongs to (people.Domain); its datasets and fields belong to it too
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"), index=True)
    last_scan_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    hosting_organisation: Mapped[Organisation | None] = relationship()
    datasets: Mapped[list[Dataset]] = relationship(
        back_populates="data_store", cascade="all, delete-orphan", passive_deletes=True
    )


class Dataset(Base):
    """A table, a view or a file of a data store."""

    __tablename__ = "dataset"
    __table_args__ = (
        UniqueConstraint("data_store_id", "schema_name", "name"),
        # the search by part of a name or description (ILIKE '%...%'), PostgreSQL only:
        # trigram GIN indexes (pg_trgm, migration 0013)
        *(
            Index(
                f"ix_dataset_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in ("name", "description")
        ),
        # with the id: a domain's datasets (catalog/access/perimeter.py) read from the index
        # alone on PostgreSQL (migration 0020)
        Index("ix_dataset_data_store_id", "data_store_id", "id"),
    )

    id: Mapped[intpk]
    data_store_id: Mapped[int] = mapped_column(ForeignKey("data_store.id", ondelete="CASCADE"))
    # "" rather than NULL when the engine has no schema, so the unique key holds everywhere.
    schema_name: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DatasetKind] = mapped_column(str_enum(DatasetKind), default=DatasetKind.TABLE)
    description: Mapped[str | None] = mapped_column(Text)
    steward: Mapped[str | None] = mapped_column(String(200))
    sensitivity: Mapped[Sensitivity | None] = mapped_column(str_enum(Sensitivity))
    open_data_access: Mapped[OpenDataAccess] = mapped_column(
        str_enum(OpenDataAccess), default=OpenDataAccess.NOT_PUBLISHED
    )
    estimated_rows: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[json_list]  # internal labels, never published (keywords are)
    # --- access and publication metadata (DCAT-AP) ---
    communication_exception: Mapped[CommunicationException | None] = mapped_column(
        str_enum(CommunicationException, length=64)
    )
    licence: Mapped[Licence | None] = mapped_column(str_enum(Licence))
    licence_url: Mapped[str | None] = mapped_column(String(500))  # with Licence.OTHER
    title: Mapped[str | None] = mapped_column(String(500))  # the published title
    # the publishing body's name: a plain name and not an Organisation link, so that
    # migration 0008 only adds columns (a new foreign key would make SQLite rebuild the
    # table, and dropping it cascades to fields and findings)
    publisher: Mapped[str | None] = mapped_column(String(200))
    contact_point: Mapped[str | None] = mapped_column(String(200))  # e-mail or URL
    themes: Mapped[json_list]  # DataTheme codes
    update_frequency: Mapped[Frequency | None] = mapped_column(str_enum(Frequency))
    temporal_start: Mapped[dt.date | None] = mapped_column(Date)
    temporal_end: Mapped[dt.date | None] = mapped_column(Date)
    spatial: Mapped[str | None] = mapped_column(String(500))  # a place's URI
    keywords: Mapped[json_list]
    distributions: Mapped[json_list]  # [{"title", "download_url", "access_url", "format"}]
    # --- the ground that allows publishing personal data (CRPA L312-1-2) ---
    publication_ground: Mapped[PublicationGround | None] = mapped_column(
        str_enum(PublicationGround)
    )
    publication_ground_detail: Mapped[str | None] = mapped_column(Text)  # method, or text
    publication_ground_date: Mapped[dt.date | None] = mapped_column(Date)
    publication_ground_by: Mapped[str | None] = mapped_column(String(200))
    publication_ground_at: Mapped[dt.datetime | None]
    # --- what the rows are about (the scanner's inference, a steward's correction) ---
    subject: Mapped[TableSubject | None] = mapped_column(str_enum(TableSubject))
    subject_reasons: Mapped[json_list]  # rule sentences, never a value
    subject_correction: Mapped[TableSubject | None] = mapped_column(str_enum(TableSubject))
    subject_corrected_by: Mapped[str | None] = mapped_column(String(200))
    subject_corrected_at: Mapped[dt.datetime | None]
    # quasi-identifiers of a table of persons measured on the last sample: column names,
    # counts and shares only ({"columns", "kinds", "records", "unique_share", "k",
    # "risky_combination", "risky_unique_share"}), never a value
    quasi_identifiers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # --- identity outside Registre: the dct:identifier an import matched on ---
    external_ref: Mapped[str | None] = mapped_column(String(500), index=True)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime | None]  # last harvest that saw it
    removed_at: Mapped[dt.datetime | None]  # set when a harvest no longer finds it

    data_store: Mapped[DataStore] = relationship(back_populates="datasets")
    fields: Mapped[list[Field]] = relationship(
        back_populates="dataset",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Field.position",
    )

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}" if self.schema_name else self.name


class Field(Base):
    """A column of a dataset."""

    __tablename__ = "field"
    __table_args__ = (
        UniqueConstraint("dataset_id", "name"),
        # with the id: the fields of a domain's datasets (the criteria of its findings,
        # catalog/access/perimeter.py) read from the index alone on PostgreSQL (0020)
        Index("ix_field_dataset_id", "dataset_id", "id"),
    )

    id: Mapped[intpk]
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data_type: Mapped[str | None] = mapped_column(String(200))
    nullable: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    removed_at: Mapped[dt.datetime | None]

    dataset: Mapped[Dataset] = relationship(back_populates="fields")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="field", cascade="all, delete-orphan", passive_deletes=True
    )


class ScanRun(Base):
    """One harvest-and-scan of a data store."""

    __tablename__ = "scan_run"
    # An error's detail is for admins (catalog/data/scan_errors.py); the audit trail is
    # readable by every role.
    __audit_exclude__ = frozenset({"errors"})
    # At most one open run per store, enforced by the database: two requests racing to scan
    # one store cannot both win.
    __table_args__ = (
        Index(
            "uq_scan_run_open_per_store",
            "data_store_id",
            unique=True,
            sqlite_where=text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=text("status IN ('QUEUED', 'RUNNING')"),
        ),
    )

    id: Mapped[intpk]
    data_store_id: Mapped[int] = mapped_column(
        ForeignKey("data_store.id", ondelete="CASCADE"), index=True
    )
    trigger: Mapped[ScanTrigger] = mapped_column(str_enum(ScanTrigger), default=ScanTrigger.MANUAL)
    status: Mapped[ScanStatus] = mapped_column(str_enum(ScanStatus), default=ScanStatus.QUEUED)
    requested_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    #: refreshed every few seconds while the run is RUNNING; a silent run's process is dead
    heartbeat_at: Mapped[dt.datetime | None]
    datasets_scanned: Mapped[int] = mapped_column(Integer, default=0)
    datasets_failed: Mapped[int] = mapped_column(Integer, default=0)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_changed: Mapped[int] = mapped_column(Integer, default=0)
    findings_gone: Mapped[int] = mapped_column(Integer, default=0)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[json_list]  # [{"dataset": "...", "message": "..."}]; never a sampled value
    drift: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scanner_version: Mapped[str | None] = mapped_column(String(50))

    data_store: Mapped[DataStore] = relationship()


class ScanRunTable(Base):
    """One table of a scan run: what became of it, how it was sampled, what it found.

    Written with the table's findings, in the same transaction, so that a table job
    delivered twice (a worker killed after its commit, a job retried) records nothing
    twice; the run is closed, with the sums of these rows, once none is PENDING.
    """

    __tablename__ = "scan_run_table"
    __audit_exclude__ = frozenset({"error"})
    __table_args__ = (UniqueConstraint("run_id", "dataset_id"),)

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_run.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(700))  # schema.name, as the run reports it
    status: Mapped[ScanTableStatus] = mapped_column(
        str_enum(ScanTableStatus, length=16), default=ScanTableStatus.PENDING
    )
    #: how the rows were drawn ("tablesample", "range reads", "random offsets", ...)
    sample_method: Mapped[str | None] = mapped_column(String(64))
    sample_rows: Mapped[int | None] = mapped_column(Integer)
    sample_ms: Mapped[int | None] = mapped_column(Integer)  # reading the sample
    scan_ms: Mapped[int | None] = mapped_column(Integer)  # sample, classify and record
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_changed: Mapped[int] = mapped_column(Integer, default=0)
    findings_gone: Mapped[int] = mapped_column(Integer, default=0)
    #: {"dataset", "kind", "message"} as in ScanRun.errors; never a sampled value
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    finished_at: Mapped[dt.datetime | None]


class Finding(Base):
    """A scanner's evidence that a field holds one kind of personal data, and its review."""

    __tablename__ = "finding"
    # Evidence is for roles with read_evidence; the audit trail is readable by every role.
    __audit_exclude__ = frozenset({"masked_example", "reasons"})
    __table_args__ = (
        UniqueConstraint("field_id", "entity_type"),
        # exposureChanges reads findings by when they changed, oldest first (migration 0010)
        Index("ix_finding_created_at_id", "created_at", "id"),
        Index("ix_finding_reviewed_at_id", "reviewed_at", "id"),
        Index("ix_finding_gone_since_run_id", "gone_since_run_id"),
    )

    id: Mapped[intpk]
    field_id: Mapped[int] = mapped_column(ForeignKey("field.id", ondelete="CASCADE"), index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float)
    distinct_sampled: Mapped[int] = mapped_column(Integer)
    masked_example: Mapped[str | None] = mapped_column(String(200))
    recognizer: Mapped[str | None] = mapped_column(String(200))
    name_signal: Mapped[str | None] = mapped_column(String(200))
    may_be_personal: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[json_list]
    scanner_version: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[FindingStatus] = mapped_column(
        str_enum(FindingStatus), default=FindingStatus.SUGGESTED
    )
    reviewer: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    # the evidence as the reviewer saw it: a rejection is reopened against this, not
    # against the last scan, so that slow drift cannot hide behind small steps
    reviewed_coverage: Mapped[float | None] = mapped_column(Float)
    reviewed_score: Mapped[float | None] = mapped_column(Float)
    reviewed_category: Mapped[str | None] = mapped_column(String(64))
    first_seen_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_run.id", ondelete="SET NULL")
    )
    last_seen_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_run.id", ondelete="SET NULL")
    )
    gone_since_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_run.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    field: Mapped[Field] = relationship(back_populates="findings")
