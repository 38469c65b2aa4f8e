"""GraphQL object types of the data side: organisations, data stores, datasets, fields,
findings and the audit trail (scan runs: :mod:`registre.graphql.types.scans`). Links are
resolved through per-request loaders.

The AI side (:mod:`registre.graphql.types.ai`) imports this module; the types of that side
are named here by their dotted path, resolved when the schema is built.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from registre.catalog import models
from registre.catalog.access.roles import Permission
from registre.catalog.data.findings import counts_as_personal, is_possible
from registre.catalog.data.subject import subject_reasons
from registre.catalog.enums import OPEN_DATA
from registre.catalog.i18n import translate
from registre.graphql import conversions as s
from registre.graphql.types.common import EntityNode, Info, entity, loaders_of, via

AI = "registre.graphql.types.ai."


def evidence(info: Info, finding: models.Finding) -> str | None:
    """A finding's masked example, for the roles with the read_evidence right only."""
    return finding.masked_example if info.context.actor.can(Permission.READ_EVIDENCE) else None


@entity(models.Organisation)
class Organisation(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    siren = graphene.String()
    is_public_body = graphene.Boolean(required=True)
    country = graphene.String()
    legal_category = graphene.String(description="INSEE catégorie juridique (4 digits).")
    provides_public_service = graphene.Boolean(required=True)
    dpf_certified = graphene.Boolean(
        required=True, description="Certified under the EU-US Data Privacy Framework."
    )
    non_eu_control = graphene.Boolean(required=True)
    qualifications = graphene.List(graphene.NonNull(graphene.String), required=True)
    headcount = graphene.Int()
    dpo_contact = graphene.String()
    address = graphene.String(description="Postal address.")


@entity(models.DataStore)
class DataStore(EntityNode):
    """A registered database or file share. Its secret is never exposed, only whether it has one."""

    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    kind = graphene.Field(s.DataStoreKind, required=True)
    url = graphene.String(required=True, description="Connection URL, without any password.")
    has_secret = graphene.Boolean(required=True)
    description = graphene.String()
    owner = graphene.String()
    hosting_organisation = graphene.Field(Organisation)
    hosting_country = graphene.String()
    sensitivity = graphene.Field(s.Sensitivity)
    scan_schedule = graphene.String()
    last_scan_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    domain = graphene.Field(
        "registre.graphql.types.people.Domain", description="The domain it belongs to."
    )
    datasets = graphene.List(graphene.NonNull(lambda: Dataset), required=True)

    resolve_domain = via("domain", "domain_id")

    @staticmethod
    def resolve_has_secret(root: models.DataStore, info: Info) -> bool:
        return bool(root.secret_ref)

    resolve_hosting_organisation = via("organisation", "hosting_organisation_id")

    @staticmethod
    async def resolve_datasets(root: models.DataStore, info: Info) -> list[Any]:
        rows = await loaders_of(info).datasets_by_store.load(root.id)
        return [d for d in rows if d.removed_at is None]


@entity(models.Finding)
class Finding(EntityNode):
    """Scanner evidence on a field; its evidence (example, reasons) needs read_evidence."""

    class Meta:
        interfaces = (relay.Node,)

    entity_type = graphene.String(required=True)
    category = graphene.String(required=True)
    score = graphene.Float(required=True)
    coverage = graphene.Float(required=True)
    distinct_sampled = graphene.Int(required=True)
    masked_example = graphene.String(description="Null for roles without the read_evidence right.")
    recognizer = graphene.String()
    name_signal = graphene.String()
    may_be_personal = graphene.Boolean(required=True)
    reasons = graphene.List(graphene.NonNull(graphene.String))
    scanner_version = graphene.String()
    status = graphene.Field(s.FindingStatus, required=True)
    reviewer = graphene.String()
    reviewed_at = graphene.DateTime()
    review_comment = graphene.String()
    gone = graphene.Boolean(required=True, description="The last scan no longer saw this evidence.")
    possible = graphene.Boolean(
        required=True,
        description="A low-score suggestion (a name mentioned in free text, a legal person's "
        "SIREN): listed for review; it sets containsPersonalData only once confirmed.",
    )
    field = graphene.Field(lambda: Field, required=True)

    @staticmethod
    def resolve_possible(root: models.Finding, info: Info) -> bool:
        return is_possible(root)

    @staticmethod
    def resolve_masked_example(root: models.Finding, info: Info) -> str | None:
        return evidence(info, root)

    @staticmethod
    def resolve_reasons(root: models.Finding, info: Info) -> list[str] | None:
        return list(root.reasons) if info.context.actor.can(Permission.READ_EVIDENCE) else None

    @staticmethod
    def resolve_gone(root: models.Finding, info: Info) -> bool:
        return root.gone_since_run_id is not None

    resolve_field = via("field", "field_id")


@entity(models.Field)
class Field(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    position = graphene.Int(required=True)
    data_type = graphene.String()
    nullable = graphene.Boolean(required=True)
    description = graphene.String()
    removed = graphene.Boolean(required=True)
    findings = graphene.List(graphene.NonNull(Finding), required=True)
    contains_personal_data = graphene.Boolean(
        required=True,
        description="True when a finding on it is confirmed, or a label-grade suggestion "
        "(score >= 0.5) still seen; possible findings do not count until confirmed.",
    )

    @staticmethod
    def resolve_removed(root: models.Field, info: Info) -> bool:
        return root.removed_at is not None

    resolve_findings = via("findings_by_field")

    @staticmethod
    async def resolve_contains_personal_data(root: models.Field, info: Info) -> bool:
        findings = await loaders_of(info).findings_by_field.load(root.id)
        return any(counts_as_personal(f) for f in findings)


class AISystemUsage(graphene.ObjectType):
    """How an AI system uses a dataset (seen from the dataset). An AI system of a domain
    the caller does not read shows as ``aiSystem: null, outsidePerimeter: true``."""

    usage = graphene.Field(s.DatasetUsage, required=True)
    ai_system = graphene.Field(AI + "AISystem", description="Null outside the caller's domains.")
    outside_perimeter = graphene.Boolean(
        required=True, description="The AI system belongs to a domain the caller does not read."
    )

    resolve_ai_system = via("ai_system", "ai_system_id")

    @staticmethod
    async def resolve_outside_perimeter(root: Any, info: Info) -> bool:
        return await loaders_of(info).ai_system.load(root.ai_system_id) is None


class Distribution(graphene.ObjectType):
    """Where a dataset can be had; no URL at all means the data store itself, on request."""

    title = graphene.String()
    download_url = graphene.String()
    access_url = graphene.String()
    format = graphene.String()


class PublicationBlocker(graphene.ObjectType):
    """A finding that keeps an open dataset out of open data (field and kind, no value)."""

    finding = graphene.Field(Finding, required=True)
    field = graphene.String(required=True)
    entity_type = graphene.String(required=True)
    status = graphene.Field(s.FindingStatus, required=True)
    reidentification_risk = graphene.Boolean(required=True)

    resolve_finding = via("finding", "finding_id")

    @staticmethod
    def resolve_reidentification_risk(root: Any, info: Info) -> bool:
        return bool(root.reidentification)


class PublicationGroundInfo(graphene.ObjectType):
    """What allows publishing the dataset's personal data (CRPA L312-1-2), and who said so."""

    ground = graphene.Field(s.PublicationGround, required=True)
    detail = graphene.String()
    date = graphene.Date()
    recorded_by = graphene.String()
    recorded_at = graphene.DateTime()


class QuasiIdentifiers(graphene.ObjectType):
    """Quasi-identifiers of a table of persons and how unique its sampled records are on
    them (counts and shares only; a sample overstates uniqueness)."""

    columns = graphene.List(graphene.NonNull(graphene.String), required=True)
    kinds = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="birth, place, sex, profession or nationality, per column.",
    )
    records = graphene.Int(required=True, description="Sampled records measured.")
    unique_share = graphene.Float(
        required=True, description="Share of records unique on all the quasi-identifiers."
    )
    k = graphene.Int(required=True, description="Smallest group sharing one combination.")
    risky_combination = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The smallest combination (at most 3) on which some records are unique.",
    )
    risky_unique_share = graphene.Float(required=True)


@entity(models.Dataset)
class Dataset(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    schema_name = graphene.String(required=True)
    qualified_name = graphene.String(required=True)
    kind = graphene.Field(s.DatasetKind, required=True)
    description = graphene.String()
    steward = graphene.String()
    sensitivity = graphene.Field(s.Sensitivity)
    open_data_access = graphene.Field(s.OpenDataAccess, required=True)
    estimated_rows = graphene.Int()
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    removed = graphene.Boolean(required=True)
    data_store = graphene.Field(DataStore, required=True)
    fields = graphene.List(graphene.NonNull(Field), required=True)
    contains_personal_data = graphene.Boolean(required=True)
    ai_systems = graphene.List(graphene.NonNull(AI + "AISystem"), required=True)
    ai_system_usages = graphene.List(graphene.NonNull(AISystemUsage), required=True)
    processing_activities = graphene.List(
        graphene.NonNull(AI + "ProcessingActivity"), required=True
    )
    title = graphene.String(description="The published title (the name when not set).")
    communication_exception = graphene.Field(s.CommunicationException)
    licence = graphene.Field(s.Licence)
    licence_url = graphene.String()
    publisher = graphene.String()
    contact_point = graphene.String()
    themes = graphene.List(graphene.NonNull(s.DataTheme), required=True)
    update_frequency = graphene.Field(s.Frequency)
    temporal_start = graphene.Date()
    temporal_end = graphene.Date()
    spatial = graphene.String()
    keywords = graphene.List(graphene.NonNull(graphene.String), required=True)
    distributions = graphene.List(graphene.NonNull(Distribution), required=True)
    publication_ground = graphene.Field(PublicationGroundInfo)
    published = graphene.Boolean(
        required=True,
        description="Open data that the publication gate lets out: in the DCAT catalogue.",
    )
    subject = graphene.Field(
        s.TableSubject,
        description="What the rows are about, as the last scan decided (inferred, or the "
        "steward's correction); null before the first scan.",
    )
    subject_reasons = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Why the last scan decided that subject (rules over column names).",
    )
    subject_correction = graphene.Field(
        s.TableSubject,
        description="A steward's correction of the subject: it decides the columns from the "
        "next scan on.",
    )
    subject_corrected_by = graphene.String()
    subject_corrected_at = graphene.DateTime()
    quasi_identifiers = graphene.Field(
        QuasiIdentifiers,
        description="For a table of persons: its quasi-identifiers measured on the last sample.",
    )
    publication_blockers = graphene.List(
        graphene.NonNull(PublicationBlocker),
        required=True,
        description="Personal data no publication ground covers (blocks open data).",
    )

    @staticmethod
    def resolve_removed(root: models.Dataset, info: Info) -> bool:
        return root.removed_at is not None

    @staticmethod
    def resolve_subject_reasons(root: models.Dataset, info: Info) -> list[str]:
        return [translate(reason) for reason in subject_reasons(root)]

    @staticmethod
    def resolve_quasi_identifiers(root: models.Dataset, info: Info) -> QuasiIdentifiers | None:
        data = root.quasi_identifiers
        return QuasiIdentifiers(**data) if data else None

    resolve_data_store = via("data_store", "data_store_id")

    @staticmethod
    def resolve_distributions(root: models.Dataset, info: Info) -> list[Distribution]:
        return [Distribution(**d) for d in root.distributions]

    @staticmethod
    def resolve_publication_ground(
        root: models.Dataset, info: Info
    ) -> PublicationGroundInfo | None:
        if root.publication_ground is None:
            return None
        return PublicationGroundInfo(
            ground=root.publication_ground,
            detail=root.publication_ground_detail,
            date=root.publication_ground_date,
            recorded_by=root.publication_ground_by,
            recorded_at=root.publication_ground_at,
        )

    @staticmethod
    async def resolve_publication_blockers(root: models.Dataset, info: Info) -> list[Any]:
        return list(await loaders_of(info).publication_blockers.load(root.id))

    @staticmethod
    async def resolve_published(root: models.Dataset, info: Info) -> bool:
        if root.open_data_access not in OPEN_DATA or root.removed_at is not None:
            return False
        return not await loaders_of(info).publication_blockers.load(root.id)

    @staticmethod
    async def resolve_fields(root: models.Dataset, info: Info) -> list[Any]:
        rows = await loaders_of(info).fields_by_dataset.load(root.id)
        return [f for f in rows if f.removed_at is None]

    @staticmethod
    async def resolve_contains_personal_data(root: models.Dataset, info: Info) -> bool:
        loaders = loaders_of(info)
        if root.removed_at is None:  # the kept exposure holds the datasets still present
            return bool(await loaders.personal_by_dataset.load(root.id))
        fields = await loaders.fields_by_dataset.load(root.id)
        present = [f.id for f in fields if f.removed_at is None]
        for findings in await loaders.findings_by_field.load_many(present):
            if any(counts_as_personal(f) for f in findings):
                return True
        return False

    @staticmethod
    async def resolve_ai_systems(root: models.Dataset, info: Info) -> list[Any]:
        loaders = loaders_of(info)
        links = await loaders.ai_links_by_dataset.load(root.id)
        ids = list(dict.fromkeys(link.ai_system_id for link in links))
        # an AI system of a domain the caller does not read is left out (aiSystemUsages
        # shows that link, without its details)
        return [s for s in await loaders.ai_system.load_many(ids) if s is not None]

    resolve_ai_system_usages = via("ai_links_by_dataset")

    resolve_processing_activities = via("processing_activities_by_dataset")


@entity(models.AuditEvent)
class AuditEvent(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    at = graphene.DateTime(required=True)
    actor = graphene.String(required=True)
    action = graphene.String(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.Int()
    before = graphene.JSONString()
    after = graphene.JSONString()
