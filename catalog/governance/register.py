"""Register AI systems, policies, processing activities and assessments, and link them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.domains import check_move, domain_for_new
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.enums import AISystemStatus
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import Text
from registre.catalog.inputs import (
    AISystemDatasetInput,
    AISystemInput,
    AISystemPolicyInput,
    AISystemUpdate,
    AssessmentInput,
    PolicyInput,
    ProcessingActivityInput,
    ProcessingActivityLinkInput,
    ProcessingActivityUpdate,
)
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Policy,
    ProcessingActivity,
)
from registre.catalog.models.data import Dataset, Organisation
from registre.catalog.service import create, ensure_unique, get, set_fields, update, validate

_ORG_REFS = {
    "provider_id": "providerId",
    "deployer_id": "deployerId",
    "hosting_organisation_id": "hostingOrganisationId",
}


def _check_orgs(session: Session, values: dict[str, Any]) -> None:
    for key, field in _ORG_REFS.items():
        if values.get(key) is not None:
            get(session, Organisation, values[key], field=field)


def ai_system_values(data: AISystemInput) -> dict[str, Any]:
    """Column values of a new AI system; unset flags take the model's defaults."""
    values = {k: v for k, v in data.model_dump().items() if v is not None}
    values.setdefault("status", AISystemStatus.PLANNED)
    return values


def register_ai_system(
    session: Session, actor: Actor, data: dict[str, Any] | AISystemInput
) -> AISystem:
    actor.require(Permission.REGISTER)
    system = validate(AISystemInput, data)
    ensure_unique(session, AISystem, "name", system.name, field="name")
    values = ai_system_values(system)
    values["domain_id"] = domain_for_new(
        session, actor, values.get("domain_id"), Permission.REGISTER
    )
    _check_orgs(session, values)
    return create(session, actor, AISystem(**values), action="register_ai_system")


def update_ai_system(
    session: Session, actor: Actor, system_id: int, data: dict[str, Any] | AISystemUpdate
) -> AISystem:
    actor.require(Permission.REGISTER)
    system = get(session, AISystem, system_id)
    changes = set_fields(validate(AISystemUpdate, data))
    check_move(session, actor, system.domain_id, changes, Permission.REGISTER)
    for flag in (
        "status",
        "name",
        "art_6_3_claim",
        "profiling",
        "individual_decisions",
        "legal_effect",
    ):
        if flag in changes and changes[flag] is None:
            raise InvalidInput(Text("cannot be null"), field=flag)
    if changes.get("name") and changes["name"] != system.name:
        ensure_unique(session, AISystem, "name", changes["name"], field="name")
    if "art_50_triggers" in changes and changes["art_50_triggers"] is None:
        changes["art_50_triggers"] = []
    _check_orgs(session, changes)
    return update(session, actor, system, changes, action="update_ai_system")


def link_ai_system_dataset(
    session: Session, actor: Actor, data: dict[str, Any] | AISystemDatasetInput
) -> AISystemDataset:
    actor.require(Permission.REGISTER)
    link = validate(AISystemDatasetInput, data)
    # the link is the AI system's: writing it needs the AI system's domain, and reading the
    # dataset (found under the caller's perimeter) is enough on the dataset's side
    system = get(session, AISystem, link.ai_system_id, field="aiSystemId")
    actor.require_on(Permission.REGISTER, system.domain_id)
    get(session, Dataset, link.dataset_id, field="datasetId")
    existing = session.scalar(select(AISystemDataset).filter_by(**link.model_dump()))
    if existing is not None:
        return existing  # linking twice is harmless: same link, nothing to audit
    # Made at the same moment by another request, the link is refused by the unique
    # constraint: create() answers CONFLICT and this transaction rolls back. (No savepoint
    # to retry in: pysqlite's savepoints would commit the link of a caller that rolls back.)
    return create(
        session, actor, AISystemDataset(**link.model_dump()), action="link_ai_system_dataset"
    )


def unlink_ai_system_dataset(
    session: Session, actor: Actor, data: dict[str, Any] | AISystemDatasetInput
) -> None:
    actor.require(Permission.REGISTER)
    link = validate(AISystemDatasetInput, data)
    system = get(session, AISystem, link.ai_system_id, field="aiSystemId")
    actor.require_on(Permission.REGISTER, system.domain_id)
    existing = session.scalar(select(AISystemDataset).filter_by(**link.model_dump()))
    if existing is None:
        raise NotFound(Text("this AI system does not use this dataset that way"), field="usage")
    before = snapshot(existing)
    # Delete by id and count: two identical unlinks at once both found the row, but only
    # the one whose DELETE removed it records it (the other waited on the row lock).
    deleted = session.execute(
        delete(AISystemDataset)
        .where(AISystemDataset.id == existing.id)
        .execution_options(synchronize_session=False)
    )
    session.expunge(existing)
    if getattr(deleted, "rowcount", 0) != 1:
        raise NotFound(Text("this AI system does not use this dataset that way"), field="usage")
    record(
        session,
        actor,
        "unlink_ai_system_dataset",
        entity_type="AISystemDataset",
        entity_id=before["id"],
        before=before,
        domain_id=system.domain_id,
    )


def create_policy(session: Session, actor: Actor, data: dict[str, Any] | PolicyInput) -> Policy:
    actor.require(Permission.REGISTER)
    policy = validate(PolicyInput, data)
    duplicate = session.scalar(
        select(Policy.id).filter_by(
            framework=policy.framework, control_ref=policy.control_ref, version=policy.version
        )
    )
    if duplicate is not None:
        raise Conflict(
            Text(
                "policy {value} {control_ref} version {version} already exists (id {duplicate})",
                value=policy.framework.value,
                control_ref=policy.control_ref,
                version=policy.version,
                duplicate=duplicate,
            ),
            field="controlRef",
        )
    return create(session, actor, Policy(**policy.model_dump()), action="create_policy")


def link_ai_system_policy(
    session: Session, actor: Actor, data: dict[str, Any] | AISystemPolicyInput
) -> AISystemPolicy:
    """Record where an AI system stands against a policy; a second call updates the status."""
    actor.require(Permission.REGISTER)
    link = validate(AISystemPolicyInput, data)
    system = get(session, AISystem, link.ai_system_id, field="aiSystemId")
    actor.require_on(Permission.REGISTER, system.domain_id)
    get(session, Policy, link.policy_id, field="policyId")
    existing = session.scalar(
        select(AISystemPolicy).filter_by(ai_system_id=link.ai_system_id, policy_id=link.policy_id)
    )
    if existing is not None:
        changes = link.model_dump(include={"status", "evidence", "review_date"})
        return update(session, actor, existing, changes, action="link_ai_system_policy")
    return create(
        session, actor, AISystemPolicy(**link.model_dump()), action="link_ai_system_policy"
    )


def create_processing_activity(
    session: Session, actor: Actor, data: dict[str, Any] | ProcessingActivityInput
) -> ProcessingActivity:
    actor.require(Permission.REGISTER)
    activity = validate(ProcessingActivityInput, data)
    ensure_unique(session, ProcessingActivity, "name", activity.name, field="name")
    if activity.controller_id is not None:
        get(session, Organisation, activity.controller_id, field="controllerId")
    values = activity.model_dump()
    values["domain_id"] = domain_for_new(session, actor, values["domain_id"], Permission.REGISTER)
    return create(
        session,
        actor,
        ProcessingActivity(**values),
        action="create_processing_activity",
    )


#: list fields of a processing activity (an empty list empties one; null is refused)
_ACTIVITY_LISTS = (
    "joint_controllers",
    "sub_purposes",
    "data_subject_categories",
    "data_categories",
    "recipients",
    "internal_recipients",
    "transfers",
    "retention_by_category",
    "wp248_criteria",
)


def update_processing_activity(
    session: Session,
    actor: Actor,
    activity_id: int,
    data: dict[str, Any] | ProcessingActivityUpdate,
) -> ProcessingActivity:
    """Change what the Art. 30 record says of an activity; moving it to another domain
    (``domain_id``) needs the register right on both."""
    actor.require(Permission.REGISTER)
    activity = get(session, ProcessingActivity, activity_id)
    update_data = validate(ProcessingActivityUpdate, data)
    changes = set_fields(update_data)
    check_move(session, actor, activity.domain_id, changes, Permission.REGISTER)
    if "name" in changes:
        if changes["name"] is None:
            raise InvalidInput(Text("cannot be null"), field="name")
        if changes["name"] != activity.name:
            ensure_unique(session, ProcessingActivity, "name", changes["name"], field="name")
    for key in _ACTIVITY_LISTS:
        if key in changes:
            # stored as the create stores them: plain JSON values, not models
            changes[key] = update_data.model_dump(include={key})[key]
    if changes.get("controller_id") is not None:
        get(session, Organisation, changes["controller_id"], field="controllerId")
    return update(session, actor, activity, changes, action="update_processing_activity")


def link_processing_activity(
    session: Session, actor: Actor, data: dict[str, Any] | ProcessingActivityLinkInput
) -> ProcessingActivity:
    """Attach a dataset and/or an AI system to an Art. 30 record entry."""
    actor.require(Permission.REGISTER)
    link = validate(ProcessingActivityLinkInput, data)
    if link.dataset_id is None and link.ai_system_id is None:
        raise InvalidInput(Text("give datasetId or aiSystemId (or both)"), field="datasetId")
    activity = get(
        session, ProcessingActivity, link.processing_activity_id, field="processingActivityId"
    )
    actor.require_on(Permission.REGISTER, activity.domain_id)
    before = {
        "datasets": [d.id for d in activity.datasets],
        "ai_systems": [a.id for a in activity.ai_systems],
    }
    if link.dataset_id is not None:
        dataset = get(session, Dataset, link.dataset_id, field="datasetId")
        if dataset not in activity.datasets:
            activity.datasets.append(dataset)
    if link.ai_system_id is not None:
        system = get(session, AISystem, link.ai_system_id, field="aiSystemId")
        if system not in activity.ai_systems:
            activity.ai_systems.append(system)
    after = {
        "datasets": [d.id for d in activity.datasets],
        "ai_systems": [a.id for a in activity.ai_systems],
    }
    record(session, actor, "link_processing_activity", activity, before=before, after=after)
    return activity


def record_assessment(
    session: Session, actor: Actor, data: dict[str, Any] | AssessmentInput
) -> Assessment:
    actor.require(Permission.REGISTER)
    assessment = validate(AssessmentInput, data)
    if assessment.ai_system_id is None and assessment.processing_activity_id is None:
        raise InvalidInput(
            Text(
                "an assessment is about an AI system or a processing activity: give aiSystemId "
                "or processingActivityId"
            ),
            field="aiSystemId",
        )
    if assessment.ai_system_id is not None:
        system = get(session, AISystem, assessment.ai_system_id, field="aiSystemId")
        actor.require_on(Permission.REGISTER, system.domain_id)
    if assessment.processing_activity_id is not None:
        activity = get(
            session,
            ProcessingActivity,
            assessment.processing_activity_id,
            field="processingActivityId",
        )
        actor.require_on(Permission.REGISTER, activity.domain_id)
    return create(session, actor, Assessment(**assessment.model_dump()), action="record_assessment")
