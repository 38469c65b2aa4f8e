"""AI systems, processing activities, assessments, policies and the links between them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    AssessmentStatus,
    AutomationLevel,
    DatasetUsage,
    LegalBasis,
    PolicyFramework,
    PolicyKind,
    PolicyLinkStatus,
    RiskClass,
    Technique,
    UseArea,
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
from registre.catalog.models.data import Dataset, Organisation

processing_activity_dataset = Table(
    "processing_activity_dataset",
    Base.metadata,
    Column(
        "processing_activity_id",
        ForeignKey("processing_activity.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
)

processing_activity_ai_system = Table(
    "processing_activity_ai_system",
    Base.metadata,
    Column(
        "processing_activity_id",
        ForeignKey("processing_activity.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("ai_system_id", ForeignKey("ai_system.id", ondelete="CASCADE"), primary_key=True),
)


class AISystem(Base):
    """An AI system the administration builds, buys or uses, with its AI Act facts."""

    __tablename__ = "ai_system"

    id: Mapped[intpk]
    name: Mapped[name_str] = mapped_column(unique=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    use_area: Mapped[UseArea | None] = mapped_column(str_enum(UseArea))
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # who uses it under its authority (AI Act Art. 3(4)); else the controllers of its
    # processing activities, else config's default_deployer
    deployer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    deployer_service: Mapped[str | None] = mapped_column(String(200))
    hosting_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    hosting_country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[AISystemStatus] = mapped_column(
        str_enum(AISystemStatus), default=AISystemStatus.PLANNED
    )
    owner: Mapped[str | None] = mapped_column(String(200))
    # AI Act
    risk_class: Mapped[RiskClass | None] = mapped_column(str_enum(RiskClass))
    annex_iii_point: Mapped[str | None] = mapped_column(String(20))  # e.g. "5(a)"
    art_6_3_claim: Mapped[bool] = mapped_column(Boolean, default=False)
    profiling: Mapped[bool] = mapped_column(Boolean, default=False)
    art_50_triggers: Mapped[json_list]  # values of enums.Art50Trigger
    individual_decisions: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_effect: Mapped[bool] = mapped_column(Boolean, default=False)  # GDPR Art. 22(1)
    decisions_per_year: Mapped[int | None] = mapped_column(Integer)
    technique: Mapped[Technique | None] = mapped_column(str_enum(Technique))
    human_review_path: Mapped[str | None] = mapped_column(Text)  # Art. 22(3): how to get a human
    transparency_notice: Mapped[str | None] = mapped_column(Text)  # AI Act Art. 50 disclosure
    processor_contract_ref: Mapped[str | None] = mapped_column(String(500))  # GDPR Art. 28
    # whether the provider hosts or processes the personal data (None = not recorded); a
    # vendor that never sees the data is neither a processor (Art. 28) nor an importer
    provider_processes_data: Mapped[bool | None] = mapped_column(Boolean)
    go_live_date: Mapped[dt.date | None] = mapped_column(Date)
    automation_level: Mapped[AutomationLevel | None] = mapped_column(str_enum(AutomationLevel))
    human_oversight_owner: Mapped[str | None] = mapped_column(String(200))
    log_retention_days: Mapped[int | None] = mapped_column(Integer)
    # the deployer's registration of its use in the EU database (AI Act Art. 26(8), 49(3))
    eu_database_registration: Mapped[str | None] = mapped_column(String(500))
    # the provider's entry of the system in the EU database (Art. 49(1), Annex VIII C.3)
    provider_eu_database_url: Mapped[str | None] = mapped_column(String(500))
    public_inventory_url: Mapped[str | None] = mapped_column(String(500))
    source_code_url: Mapped[str | None] = mapped_column(String(500))  # Etalab inventory
    # Etalab inventory: how the data it works on is collected, and what it does with them
    data_collection: Mapped[str | None] = mapped_column(Text)
    operations: Mapped[str | None] = mapped_column(Text)
    # CRPA L311-3-1: whether its individual decisions carry the explicit mention that an
    # algorithm was used (None = not recorded)
    individual_decision_notice: Mapped[bool | None] = mapped_column(Boolean)
    # the legal basis it rests on, as stated (e.g. by the source register)
    legal_basis_reference: Mapped[str | None] = mapped_column(Text)
    # what the source register says of an impact assessment (None = unknown, "Onbekend")
    declared_impact_assessment: Mapped[bool | None] = mapped_column(Boolean)
    # where it came from when imported from another register (e.g. the Dutch one)
    external_ref: Mapped[str | None] = mapped_column(String(500))
    #: the perimeter it belongs to (people.Domain)
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"), index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    provider: Mapped[Organisation | None] = relationship(foreign_keys=[provider_id])
    deployer: Mapped[Organisation | None] = relationship(foreign_keys=[deployer_id])
    hosting_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[hosting_organisation_id]
    )
    dataset_links: Mapped[list[AISystemDataset]] = relationship(
        back_populates="ai_system", cascade="all, delete-orphan", passive_deletes=True
    )
    policy_links: Mapped[list[AISystemPolicy]] = relationship(
        back_populates="ai_system", cascade="all, delete-orphan", passive_deletes=True
    )


class AISystemDataset(Base):
    """How an AI system uses a dataset."""

    __tablename__ = "ai_system_dataset"
    __table_args__ = (UniqueConstraint("ai_system_id", "dataset_id", "usage"),)

    id: Mapped[intpk]
    ai_system_id: Mapped[int] = mapped_column(
        ForeignKey("ai_system.id", ondelete="CASCADE"), index=True
    )
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), index=True
    )
    usage: Mapped[DatasetUsage] = mapped_column(str_enum(DatasetUsage))
    created_at: Mapped[created_at]

    ai_system: Mapped[AISystem] = relationship(back_populates="dataset_links")
    dataset: Mapped[Dataset] = relationship()


class Policy(Base):
    """A governance or security policy, or one control of a framework."""

    __tablename__ = "policy"
    __table_args__ = (UniqueConstraint("framework", "control_ref", "version"),)

    id: Mapped[intpk]
    kind: Mapped[PolicyKind] = mapped_column(str_enum(PolicyKind))
    framework: Mapped[PolicyFramework] = mapped_column(str_enum(PolicyFramework))
    control_ref: Mapped[str] = mapped_column(String(100))  # e.g. "INT-REX-HB", "GOVERN 1.6"
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(50), default="1")
    owner: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]


class AISystemPolicy(Base):
    """Where an AI system stands against a policy."""

    __tablename__ = "ai_system_policy"
    __table_args__ = (UniqueConstraint("ai_system_id", "policy_id"),)

    id: Mapped[intpk]
    ai_system_id: Mapped[int] = mapped_column(
        ForeignKey("ai_system.id", ondelete="CASCADE"), index=True
    )
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    status: Mapped[PolicyLinkStatus] = mapped_column(str_enum(PolicyLinkStatus))
    evidence: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[created_at]

    ai_system: Mapped[AISystem] = relationship(back_populates="policy_links")
    policy: Mapped[Policy] = relationship()


class ProcessingActivity(Base):
    """A GDPR Art. 30 record entry."""

    __tablename__ = "processing_activity"

    id: Mapped[intpk]
    name: Mapped[name_str] = mapped_column(unique=True)
    controller_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    joint_controllers: Mapped[json_list]  # Art. 26, 30(1)(a)
    representative: Mapped[str | None] = mapped_column(String(200))  # Art. 27, 30(1)(a)
    dpo_contact: Mapped[str | None] = mapped_column(String(200))
    purposes: Mapped[str | None] = mapped_column(Text)
    sub_purposes: Mapped[json_list]  # the CNIL model's "sous-finalités"
    legal_basis: Mapped[LegalBasis | None] = mapped_column(str_enum(LegalBasis))
    special_category_condition: Mapped[str | None] = mapped_column(String(200))  # Art. 9(2)(x)
    criminal_data_condition: Mapped[str | None] = mapped_column(String(200))  # Art. 10
    data_subject_categories: Mapped[json_list]
    data_categories: Mapped[json_list]
    recipients: Mapped[json_list]  # external recipients (organisations)
    internal_recipients: Mapped[json_list]  # services of the controller
    # [{"country": "US", "mechanism": "SCC", "recipient": ..., "safeguard_document": ...}]
    transfers: Mapped[json_list]
    retention: Mapped[str | None] = mapped_column(Text)
    retention_by_category: Mapped[json_list]  # [{"category": ..., "retention": ...}]
    security_measures: Mapped[str | None] = mapped_column(Text)
    wp248_criteria: Mapped[json_list]  # values of enums.Wp248Criterion
    #: the perimeter it belongs to (people.Domain)
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"), index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    controller: Mapped[Organisation | None] = relationship()
    datasets: Mapped[list[Dataset]] = relationship(secondary=processing_activity_dataset)
    ai_systems: Mapped[list[AISystem]] = relationship(secondary=processing_activity_ai_system)


class Assessment(Base):
    """A DPIA (AIPD), a FRIA or a security homologation."""

    __tablename__ = "assessment"

    id: Mapped[intpk]
    kind: Mapped[AssessmentKind] = mapped_column(str_enum(AssessmentKind))
    status: Mapped[AssessmentStatus] = mapped_column(str_enum(AssessmentStatus))
    date: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    document_ref: Mapped[str | None] = mapped_column(String(500))
    ai_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_system.id", ondelete="CASCADE"), index=True
    )
    processing_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("processing_activity.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[created_at]

    ai_system: Mapped[AISystem | None] = relationship()
    processing_activity: Mapped[ProcessingActivity | None] = relationship()
