"""GraphQL object types of AI systems, policies, processing activities and assessments.

They link to the data side (:mod:`registre.graphql.types.data`), which names them back by
their dotted path; compliance issues are named the same way.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from registre.catalog import models
from registre.graphql import conversions as s
from registre.graphql.types.common import EntityNode, Info, entity, loaders_of, via
from registre.graphql.types.data import Dataset, Organisation


class DatasetUsageLink(graphene.ObjectType):
    """How an AI system uses a dataset (seen from the AI system). A dataset of a domain the
    caller does not read shows as ``dataset: null, outsidePerimeter: true``: the link, not
    the other domain's details."""

    usage = graphene.Field(s.DatasetUsage, required=True)
    dataset = graphene.Field(Dataset, description="Null outside the caller's domains.")
    outside_perimeter = graphene.Boolean(
        required=True, description="The dataset belongs to a domain the caller does not read."
    )

    resolve_dataset = via("dataset", "dataset_id")

    @staticmethod
    async def resolve_outside_perimeter(root: Any, info: Info) -> bool:
        return await loaders_of(info).dataset.load(root.dataset_id) is None


@entity(models.Policy)
class Policy(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    kind = graphene.Field(s.PolicyKind, required=True)
    framework = graphene.Field(s.PolicyFramework, required=True)
    control_ref = graphene.String(required=True)
    title = graphene.String(required=True)
    text = graphene.String()
    url = graphene.String()
    version = graphene.String(required=True)
    owner = graphene.String()
    ai_systems = graphene.List(graphene.NonNull(lambda: PolicyLink), required=True)

    resolve_ai_systems = via("ai_links_by_policy")


class PolicyLink(graphene.ObjectType):
    """Where an AI system stands against a policy."""

    status = graphene.Field(s.PolicyLinkStatus, required=True)
    evidence = graphene.String()
    review_date = graphene.Date()
    policy = graphene.Field(Policy, required=True)
    ai_system = graphene.Field(lambda: AISystem, required=True)

    resolve_policy = via("policy", "policy_id")

    resolve_ai_system = via("ai_system", "ai_system_id")


@entity(models.Assessment)
class Assessment(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    kind = graphene.Field(s.AssessmentKind, required=True)
    status = graphene.Field(s.AssessmentStatus, required=True)
    date = graphene.Date()
    summary = graphene.String()
    document_ref = graphene.String()
    ai_system = graphene.Field(lambda: AISystem)
    processing_activity = graphene.Field(lambda: ProcessingActivity)

    resolve_ai_system = via("ai_system", "ai_system_id")

    resolve_processing_activity = via("processing_activity", "processing_activity_id")


class Transfer(graphene.ObjectType):
    country = graphene.String(required=True)
    mechanism = graphene.String()
    recipient = graphene.String()
    safeguard_document = graphene.String()


class CategoryRetention(graphene.ObjectType):
    category = graphene.String(required=True)
    retention = graphene.String(required=True)


@entity(models.ProcessingActivity)
class ProcessingActivity(EntityNode):
    """An entry of the GDPR Art. 30 record."""

    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    controller = graphene.Field(Organisation)
    joint_controllers = graphene.List(graphene.NonNull(graphene.String), required=True)
    representative = graphene.String()
    dpo_contact = graphene.String()
    purposes = graphene.String()
    sub_purposes = graphene.List(graphene.NonNull(graphene.String), required=True)
    legal_basis = graphene.Field(s.LegalBasis)
    special_category_condition = graphene.String()
    criminal_data_condition = graphene.String()
    data_subject_categories = graphene.List(graphene.NonNull(graphene.String), required=True)
    data_categories = graphene.List(graphene.NonNull(graphene.String), required=True)
    recipients = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="External recipients."
    )
    internal_recipients = graphene.List(graphene.NonNull(graphene.String), required=True)
    transfers = graphene.List(graphene.NonNull(Transfer), required=True)
    retention = graphene.String()
    retention_by_category = graphene.List(graphene.NonNull(CategoryRetention), required=True)
    security_measures = graphene.String()
    wp248_criteria = graphene.List(graphene.NonNull(s.Wp248Criterion), required=True)
    domain = graphene.Field(
        "registre.graphql.types.people.Domain", description="The domain it belongs to."
    )
    datasets = graphene.List(graphene.NonNull(Dataset), required=True)
    ai_systems = graphene.List(graphene.NonNull(lambda: AISystem), required=True)
    assessments = graphene.List(graphene.NonNull(Assessment), required=True)

    resolve_controller = via("organisation", "controller_id")

    resolve_domain = via("domain", "domain_id")

    @staticmethod
    def resolve_transfers(root: models.ProcessingActivity, info: Info) -> list[Any]:
        return [Transfer(**t) for t in root.transfers]

    @staticmethod
    def resolve_retention_by_category(root: models.ProcessingActivity, info: Info) -> list[Any]:
        return [CategoryRetention(**r) for r in root.retention_by_category]

    resolve_datasets = via("datasets_by_processing_activity")

    resolve_ai_systems = via("ai_systems_by_processing_activity")

    resolve_assessments = via("assessments_by_processing_activity")


@entity(models.AISystem)
class AISystem(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    purpose = graphene.String()
    use_area = graphene.Field(s.UseArea)
    provider = graphene.Field(Organisation)
    deployer = graphene.Field(Organisation, description="Who uses it under its authority.")
    deployer_service = graphene.String()
    hosting_organisation = graphene.Field(Organisation)
    hosting_country = graphene.String()
    status = graphene.Field(s.AISystemStatus, required=True)
    owner = graphene.String()
    risk_class = graphene.Field(s.RiskClass)
    annex_iii_point = graphene.String(name="annexIIIPoint")
    art_6_3_claim = graphene.Boolean(required=True)
    profiling = graphene.Boolean(required=True)
    art_50_triggers = graphene.List(graphene.NonNull(s.Art50Trigger), required=True)
    individual_decisions = graphene.Boolean(required=True)
    legal_effect = graphene.Boolean(required=True)
    decisions_per_year = graphene.Int()
    technique = graphene.Field(s.Technique)
    human_review_path = graphene.String()
    transparency_notice = graphene.String()
    processor_contract_ref = graphene.String()
    provider_processes_data = graphene.Boolean(
        description="Whether the provider hosts or processes the personal data (null: unknown)."
    )
    go_live_date = graphene.Date()
    automation_level = graphene.Field(s.AutomationLevel)
    human_oversight_owner = graphene.String()
    log_retention_days = graphene.Int()
    eu_database_registration = graphene.String(
        description="The deployer's registration of its use (AI Act Art. 26(8), 49(3))."
    )
    provider_eu_database_url = graphene.String(
        description="The provider's entry in the EU database (Annex VIII C.3)."
    )
    public_inventory_url = graphene.String()
    source_code_url = graphene.String()
    data_collection = graphene.String(description="How the data it works on is collected.")
    operations = graphene.String(description="The operations it performs on them.")
    individual_decision_notice = graphene.Boolean(
        description="Its individual decisions carry the explicit mention (CRPA L311-3-1)."
    )
    legal_basis_reference = graphene.String()
    declared_impact_assessment = graphene.Boolean()
    external_ref = graphene.String()
    domain = graphene.Field(
        "registre.graphql.types.people.Domain", description="The domain it belongs to."
    )
    datasets = graphene.List(graphene.NonNull(DatasetUsageLink), required=True)
    policies = graphene.List(graphene.NonNull(PolicyLink), required=True)
    processing_activities = graphene.List(graphene.NonNull(ProcessingActivity), required=True)
    assessments = graphene.List(graphene.NonNull(Assessment), required=True)
    compliance_issues = graphene.List(
        graphene.NonNull("registre.graphql.types.compliance.ComplianceIssue"),
        required=True,
        description="Compliance issues about this system or naming it, most severe first.",
    )

    # one evaluation for every system of the request (see ``Loaders``)
    resolve_compliance_issues = via("compliance_issues_by_ai_system")

    resolve_provider = via("organisation", "provider_id")

    resolve_domain = via("domain", "domain_id")

    resolve_hosting_organisation = via("organisation", "hosting_organisation_id")

    resolve_deployer = via("organisation", "deployer_id")

    resolve_datasets = via("dataset_links_by_ai_system")

    resolve_policies = via("policy_links_by_ai_system")

    resolve_processing_activities = via("processing_activities_by_ai_system")

    resolve_assessments = via("assessments_by_ai_system")
