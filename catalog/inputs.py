"""What a user may send to register or change things, validated in one place.

The GraphQL input types, the CLI and the importers are all built on these models, so a
rule written here holds everywhere. Unknown keys are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)

from registre.catalog.enums import (
    AISystemStatus,
    Art50Trigger,
    AssessmentKind,
    AssessmentStatus,
    AutomationLevel,
    CommunicationException,
    DatasetKind,
    DatasetUsage,
    DataTheme,
    FindingStatus,
    Frequency,
    LegalBasis,
    Licence,
    OpenDataAccess,
    PolicyFramework,
    PolicyKind,
    PolicyLinkStatus,
    PublicationGround,
    RiskClass,
    Sensitivity,
    TableSubject,
    Technique,
    UseArea,
    Wp248Criterion,
)
from registre.catalog.i18n import Text
from registre.catalog.input_types import (
    Contact,
    Country,
    Cron,
    Name,
    SecretRef,
    ShortText,
    Strict,
    Url,
    WebUrl,
    check_country,
    check_legal_category,
    check_nonblank,
    check_siren,
)


class OrganisationInput(Strict):
    name: Name
    siren: Annotated[str | None, AfterValidator(check_siren)] = None
    is_public_body: bool = False
    country: Country = None
    legal_category: Annotated[str | None, AfterValidator(check_legal_category)] = Field(
        None, description="INSEE catégorie juridique (4 digits): 7210 commune, 7120 ministry..."
    )
    provides_public_service: bool = Field(
        False, description="A private body entrusted with a public service (AI Act Art. 27)."
    )
    dpf_certified: bool = Field(
        False, description="Certified under the EU-US Data Privacy Framework (GDPR Art. 45)."
    )
    non_eu_control: bool = False
    qualifications: list[ShortText] = Field(default_factory=list)
    headcount: int | None = Field(None, ge=0)
    dpo_contact: ShortText | None = None
    address: str | None = Field(None, description="Postal address (AI Act Annex VIII C.1).")


class OrganisationUpdate(Strict):
    """What may change on an organisation (``null`` clears a nullable field)."""

    siren: Annotated[str | None, AfterValidator(check_siren)] = None
    is_public_body: bool | None = None
    country: Country = None
    legal_category: Annotated[str | None, AfterValidator(check_legal_category)] = Field(
        None, description="INSEE catégorie juridique (4 digits): 7210 commune, 7120 ministry..."
    )
    provides_public_service: bool | None = None
    dpf_certified: bool | None = None
    non_eu_control: bool | None = None
    qualifications: list[ShortText] | None = None
    headcount: int | None = Field(None, ge=0)
    dpo_contact: ShortText | None = None
    address: str | None = None


class DataStoreInput(Strict):
    name: Name
    url: str = Field(min_length=1, max_length=2000, description="Connection URL, no password.")
    secret_ref: SecretRef = Field(
        None, description="Where the password is: 'env:VARIABLE' or 'file:/path/to/secret'."
    )
    description: str | None = None
    owner: ShortText | None = None
    hosting_organisation_id: int | None = None
    hosting_country: Country = None
    sensitivity: Sensitivity | None = None
    scan_schedule: Cron = None
    domain_id: int | None = Field(
        None,
        description="The domain it belongs to; omitted: the caller's only domain, or the "
        "default domain for an organisation-wide caller.",
    )


class DataStoreUpdate(Strict):
    description: str | None = None
    owner: ShortText | None = None
    secret_ref: SecretRef = None
    hosting_organisation_id: int | None = None
    hosting_country: Country = None
    sensitivity: Sensitivity | None = None
    scan_schedule: Cron = None
    domain_id: int | None = Field(None, description="Move it to another domain.")


class DistributionInput(Strict):
    """Where a dataset can be had: a download URL, an access page, or (neither) the data
    store itself, reached on request."""

    title: ShortText | None = None
    download_url: WebUrl = None
    access_url: WebUrl = None
    format: Annotated[str, Field(max_length=50)] | None = Field(
        None, description="File type of the EU vocabulary: CSV, JSON, PARQUET, XLSX..."
    )

    @field_validator("format")
    @classmethod
    def _format_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if not re.fullmatch(r"[A-Z0-9_]{1,50}", value):
            raise ValueError(Text("must be a file-type code such as CSV, JSON or PARQUET"))
        return value


class PublicationFields(Strict):
    """Access and publication metadata, published in the DCAT-AP catalogue when open."""

    title: ShortText | None = Field(None, description="Published title (default: the name).")
    communication_exception: CommunicationException | None = Field(
        None, description="The CRPA L311-5 / L311-6 exception of a NOT_COMMUNICABLE dataset."
    )
    licence: Licence | None = None
    licence_url: WebUrl = Field(None, description="The licence's URL, with licence OTHER.")
    publisher: ShortText | None = Field(None, description="The publishing body's name.")
    contact_point: Contact = None
    themes: list[DataTheme] | None = None
    update_frequency: Frequency | None = None
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    spatial: WebUrl = Field(
        None, description="URI of the place covered (e.g. a COG or GeoNames URI)."
    )
    keywords: list[ShortText] | None = None
    distributions: list[DistributionInput] | None = None


class DatasetInput(PublicationFields):
    data_store_id: int
    schema_name: str = Field("", max_length=200)
    name: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(check_nonblank)]
    kind: DatasetKind = DatasetKind.TABLE
    description: str | None = None
    steward: ShortText | None = None
    sensitivity: Sensitivity | None = None
    open_data_access: OpenDataAccess = OpenDataAccess.NOT_PUBLISHED
    estimated_rows: int | None = Field(None, ge=0)
    tags: list[ShortText] = Field(default_factory=list)
    external_ref: Url | None = Field(
        None, description="Its identifier elsewhere (dct:identifier of an imported dataset)."
    )


class DatasetUpdate(PublicationFields):
    description: str | None = None
    steward: ShortText | None = None
    sensitivity: Sensitivity | None = None
    open_data_access: OpenDataAccess | None = None
    tags: list[ShortText] | None = None


class AISystemFields(Strict):
    purpose: str | None = None
    use_area: UseArea | None = None
    provider_id: int | None = None
    deployer_id: int | None = Field(
        None, description="The organisation using the system under its authority (Art. 3(4))."
    )
    deployer_service: ShortText | None = None
    hosting_organisation_id: int | None = None
    hosting_country: Country = None
    status: AISystemStatus | None = None
    owner: ShortText | None = None
    risk_class: RiskClass | None = None
    annex_iii_point: str | None = Field(None, pattern=r"^[1-8](\([a-e]\))?$")
    art_6_3_claim: bool | None = None
    profiling: bool | None = None
    art_50_triggers: list[Art50Trigger] | None = None
    individual_decisions: bool | None = None
    legal_effect: bool | None = None
    decisions_per_year: int | None = Field(None, ge=0)
    technique: Technique | None = None
    human_review_path: str | None = None
    transparency_notice: str | None = None
    processor_contract_ref: Url | None = None
    provider_processes_data: bool | None = Field(
        None,
        description="Whether the provider hosts or processes the personal data (null: unknown).",
    )
    go_live_date: dt.date | None = None
    automation_level: AutomationLevel | None = None
    human_oversight_owner: ShortText | None = None
    log_retention_days: int | None = Field(None, ge=0, le=36500)
    eu_database_registration: Url | None = Field(
        None, description="The deployer's registration of its use (AI Act Art. 26(8), 49(3))."
    )
    provider_eu_database_url: Url | None = Field(
        None, description="The provider's entry in the EU database (Annex VIII C.3)."
    )
    public_inventory_url: Url | None = None
    source_code_url: Url | None = Field(
        None, description="Where its source code is published (CRPA L300-2, Etalab inventory)."
    )
    individual_decision_notice: bool | None = Field(
        None,
        description="Individual decisions carry the explicit mention of the algorithm "
        "(CRPA L311-3-1; null: unknown).",
    )
    legal_basis_reference: str | None = None
    declared_impact_assessment: bool | None = None
    data_collection: str | None = Field(
        None, description="How the data it works on is collected (Etalab inventory)."
    )
    operations: str | None = Field(
        None, description="The operations it performs on them (Etalab inventory)."
    )


class AISystemInput(AISystemFields):
    name: Name
    external_ref: Url | None = None
    domain_id: int | None = Field(
        None,
        description="The domain it belongs to; omitted: the caller's only domain, or the "
        "default domain for an organisation-wide caller.",
    )


class AISystemUpdate(AISystemFields):
    name: Name | None = None
    domain_id: int | None = Field(None, description="Move it to another domain.")


class AISystemDatasetInput(Strict):
    ai_system_id: int
    dataset_id: int
    usage: DatasetUsage


class PolicyInput(Strict):
    kind: PolicyKind
    framework: PolicyFramework
    control_ref: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(check_nonblank)]
    title: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(check_nonblank)]
    text: str | None = None
    url: Url | None = None
    version: str = Field("1", max_length=50)
    owner: ShortText | None = None


class AISystemPolicyInput(Strict):
    ai_system_id: int
    policy_id: int
    status: PolicyLinkStatus
    evidence: str | None = None
    review_date: dt.date | None = None


class Transfer(Strict):
    country: Annotated[str, AfterValidator(check_country)]
    mechanism: ShortText | None = Field(
        None, description="Art. 45 adequacy, Art. 46 SCC/BCR, Art. 49 derogation..."
    )
    recipient: ShortText | None = Field(None, description="Who receives the data there.")
    safeguard_document: Url | None = Field(
        None, description="Where the safeguard is documented (GDPR Art. 30(1)(e), 46)."
    )


class CategoryRetention(Strict):
    """How long one category of personal data is kept (GDPR Art. 30(1)(f))."""

    category: ShortText
    retention: ShortText


class ProcessingActivityFields(Strict):
    """What a processing activity's record says (GDPR Art. 30), its name and domain apart."""

    controller_id: int | None = None
    joint_controllers: list[ShortText] = Field(
        default_factory=list, description="Joint controllers (GDPR Art. 26, 30(1)(a))."
    )
    representative: ShortText | None = Field(
        None, description="The controller's representative in the EU (Art. 27, 30(1)(a))."
    )
    dpo_contact: ShortText | None = None
    purposes: str | None = None
    sub_purposes: list[ShortText] = Field(default_factory=list)
    legal_basis: LegalBasis | None = None
    special_category_condition: ShortText | None = None
    criminal_data_condition: ShortText | None = None
    data_subject_categories: list[ShortText] = Field(default_factory=list)
    data_categories: list[ShortText] = Field(default_factory=list)
    recipients: list[ShortText] = Field(
        default_factory=list, description="External recipients (organisations)."
    )
    internal_recipients: list[ShortText] = Field(
        default_factory=list, description="Services of the controller that receive the data."
    )
    transfers: list[Transfer] = Field(default_factory=list)
    retention: str | None = None
    retention_by_category: list[CategoryRetention] = Field(default_factory=list)
    security_measures: str | None = None
    wp248_criteria: list[Wp248Criterion] = Field(default_factory=list)


class ProcessingActivityInput(ProcessingActivityFields):
    name: Name
    domain_id: int | None = Field(
        None,
        description="The domain it belongs to; omitted: the caller's only domain, or the "
        "default domain for an organisation-wide caller.",
    )


class ProcessingActivityUpdate(ProcessingActivityFields):
    """The fields sent change; the others stay ([] empties a list)."""

    name: Name | None = None
    domain_id: int | None = Field(None, description="Move it to another domain.")


class ProcessingActivityLinkInput(Strict):
    processing_activity_id: int
    dataset_id: int | None = None
    ai_system_id: int | None = None


class AssessmentInput(Strict):
    kind: AssessmentKind
    status: AssessmentStatus
    date: dt.date | None = None
    summary: str | None = None
    document_ref: Url | None = None
    ai_system_id: int | None = None
    processing_activity_id: int | None = None


class FindingReviewInput(Strict):
    finding_id: int
    decision: FindingStatus
    comment: str | None = Field(None, max_length=2000)

    @field_validator("decision")
    @classmethod
    def _decided(cls, value: FindingStatus) -> FindingStatus:
        if value is FindingStatus.SUGGESTED:
            raise ValueError(Text("must be CONFIRMED or REJECTED"))
        return value


class SubjectCorrectionInput(Strict):
    """A steward's correction of what a dataset's rows are about; ``subject`` null (or
    left out) withdraws it, and the next scan infers the subject again."""

    dataset_id: int
    subject: TableSubject | None = None


class PublicationGroundInput(Strict):
    """The ground that allows publishing a dataset holding personal data (CRPA L312-1-2);
    ``ground`` null (or left out) withdraws it."""

    dataset_id: int
    ground: PublicationGround | None = None
    detail: str | None = Field(
        None,
        max_length=2000,
        description="Anonymisation method (ANONYMISED), or the text relied upon (the others).",
    )
    date: dt.date | None = Field(None, description="When the anonymisation was performed.")

    @model_validator(mode="after")
    def _ground_is_explained(self) -> PublicationGroundInput:
        if self.ground is not None and not (self.detail and self.detail.strip()):
            what = "method" if self.ground is PublicationGround.ANONYMISED else "legal text"
            raise ValueError(Text("name the {what} that allows publication (detail)", what=what))
        if self.ground is PublicationGround.ANONYMISED and self.date is None:
            raise ValueError(Text("give the date the anonymisation was performed (date)"))
        return self
