"""Write side of the API: thin wrappers over the ``catalog`` services.

Each mutation takes ``input``, decodes global ids, calls one service, and commits; the
service authorizes, validates and writes the audit event in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import graphene
from pydantic import BaseModel
from sqlalchemy.orm import sessionmaker

from graphql import GraphQLError
from registre.catalog import inputs as ci
from registre.catalog.access.audit import record_refusal
from registre.catalog.data import findings, stores
from registre.catalog.data import subject as dataset_subject
from registre.catalog.data.scan_errors import not_queued
from registre.catalog.errors import DomainError, Refused
from registre.catalog.governance import register as ai_register
from registre.catalog.i18n import translate
from registre.catalog.publication import gate
from registre.graphql.conversions import gql_name, input_type
from registre.graphql.ids import decode_id
from registre.graphql.types.ai import (
    AISystem,
    Assessment,
    DatasetUsageLink,
    Policy,
    PolicyLink,
    ProcessingActivity,
)
from registre.graphql.types.common import Info
from registre.graphql.types.data import Dataset, DataStore, Finding, Organisation
from registre.graphql.types.scans import ScanRun
from registre.scanners.runs.lifecycle import Liveness, abandon_run, start_scan

log = logging.getLogger("registre.api")

#: which node type a ``*_id`` input field refers to
ID_TYPES = {
    "id": None,  # set per mutation
    "data_store_id": "DataStore",
    "dataset_id": "Dataset",
    "ai_system_id": "AISystem",
    "policy_id": "Policy",
    "processing_activity_id": "ProcessingActivity",
    "hosting_organisation_id": "Organisation",
    "provider_id": "Organisation",
    "deployer_id": "Organisation",
    "controller_id": "Organisation",
    "finding_id": "Finding",
    "domain_id": "Domain",
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _decode_ids(data: dict[str, Any], id_type: str | None) -> dict[str, Any]:
    for key, value in list(data.items()):
        if value is None or not (key == "id" or key.endswith("_id")):
            continue
        type_name = id_type if key == "id" else ID_TYPES.get(key)
        if type_name:
            data[key] = decode_id(value, type_name, f"input.{gql_name(key)}")
    return data


def committed(info: Info, work: Callable[[], Any]) -> Any:
    """``work``'s result, committed; rolled back if it raises (a refusal stays audited)."""
    session = info.context.session
    try:
        result = work()
        session.commit()
    except Refused as exc:
        session.rollback()
        record_refusal(session, exc)  # the refusal is a decision: it stays audited
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    return result


def service_mutation(
    name: str,
    model: type[BaseModel],
    service: Callable[..., Any],
    *,
    payload: dict[str, Any],
    updates: str | None = None,
    description: str,
) -> type[graphene.Mutation]:
    """Build ``name(input: {...}) { <payload> }`` calling ``service``.

    ``updates`` names the node type an ``id`` input field refers to: the service is then
    called as ``service(session, actor, id, data)``.
    """
    extra = {"id": graphene.InputField(graphene.NonNull(graphene.ID))} if updates else {}
    input_cls = input_type(model, f"{name[0].upper()}{name[1:]}Input", extra=extra)
    ((payload_name, payload_type),) = payload.items()

    def mutate(root: Any, info: Info, input: dict[str, Any]) -> Any:  # noqa: A002
        ctx = info.context
        data = _decode_ids(_plain(dict(input)), updates)
        if updates:
            entity_id = data.pop("id")
            result = committed(info, lambda: service(ctx.session, ctx.actor, entity_id, data))
        else:
            result = committed(info, lambda: service(ctx.session, ctx.actor, data))
        return mutation_cls(**{payload_name: result})

    attrs = {
        "Arguments": type("Arguments", (), {"input": input_cls(required=True)}),
        payload_name: graphene.Field(payload_type),
        "mutate": staticmethod(mutate),
        "__doc__": description,
    }
    mutation_cls = type(f"{name[0].upper()}{name[1:]}Payload", (graphene.Mutation,), attrs)
    return mutation_cls


def _unlink(session: Any, actor: Any, data: dict[str, Any]) -> bool:
    ai_register.unlink_ai_system_dataset(session, actor, data)
    return True


MUTATIONS: dict[str, type[graphene.Mutation]] = {
    "createOrganisation": service_mutation(
        "createOrganisation",
        ci.OrganisationInput,
        stores.create_organisation,
        payload={"organisation": Organisation},
        description="Register a public body, provider, host or processor.",
    ),
    "updateOrganisation": service_mutation(
        "updateOrganisation",
        ci.OrganisationUpdate,
        stores.update_organisation,
        payload={"organisation": Organisation},
        updates="Organisation",
        description="Change what the register says of an organisation: its INSEE legal "
        "category (who the French rules apply to), public-body and public-service flags, "
        "EU-US DPF certification, contacts.",
    ),
    "registerDataStore": service_mutation(
        "registerDataStore",
        ci.DataStoreInput,
        stores.register_data_store,
        payload={"data_store": DataStore},
        description="Register a database or file share. The URL must not hold a password: "
        "give secretRef ('env:VAR' or 'file:/path') instead.",
    ),
    "updateDataStore": service_mutation(
        "updateDataStore",
        ci.DataStoreUpdate,
        stores.update_data_store,
        payload={"data_store": DataStore},
        updates="DataStore",
        description="Change a data store's description, owner, hosting, sensitivity or schedule.",
    ),
    "registerDataset": service_mutation(
        "registerDataset",
        ci.DatasetInput,
        stores.register_dataset,
        payload={"dataset": Dataset},
        description="Register a dataset by hand (scans register the ones they find).",
    ),
    "updateDataset": service_mutation(
        "updateDataset",
        ci.DatasetUpdate,
        stores.update_dataset,
        payload={"dataset": Dataset},
        updates="Dataset",
        description="Describe a dataset: description, steward, sensitivity, tags, and its "
        "access and publication metadata. Setting openDataAccess to OPEN or OPEN_WITH_ACCOUNT "
        "passes the publication gate: refused while the dataset holds personal data that no "
        "publication ground covers (CRPA L312-1-2).",
    ),
    "recordPublicationGround": service_mutation(
        "recordPublicationGround",
        ci.PublicationGroundInput,
        gate.record_publication_ground,
        payload={"dataset": Dataset},
        description="Record what allows publishing a dataset's personal data (anonymisation "
        "with its method and date, or the legal text relied upon: CRPA L312-1-2); ground "
        "null withdraws it. Admins only (the DPO's decision).",
    ),
    "correctDatasetSubject": service_mutation(
        "correctDatasetSubject",
        ci.SubjectCorrectionInput,
        dataset_subject.correct_subject,
        payload={"dataset": Dataset},
        description="Say what a dataset's rows are about (persons, organisations, places, "
        "events, things) when the scanner inferred it wrong; the next scan re-decides its "
        "columns under it. subject null withdraws the correction.",
    ),
    "registerAISystem": service_mutation(
        "registerAISystem",
        ci.AISystemInput,
        ai_register.register_ai_system,
        payload={"ai_system": AISystem},
        description="Register an AI system with its AI Act facts.",
    ),
    "updateAISystem": service_mutation(
        "updateAISystem",
        ci.AISystemUpdate,
        ai_register.update_ai_system,
        payload={"ai_system": AISystem},
        updates="AISystem",
        description="Change an AI system's facts.",
    ),
    "linkAISystemDataset": service_mutation(
        "linkAISystemDataset",
        ci.AISystemDatasetInput,
        ai_register.link_ai_system_dataset,
        payload={"link": DatasetUsageLink},
        description="Record that an AI system uses a dataset (training, input, output, ...).",
    ),
    "unlinkAISystemDataset": service_mutation(
        "unlinkAISystemDataset",
        ci.AISystemDatasetInput,
        _unlink,
        payload={"ok": graphene.Boolean},
        description="Remove one usage of a dataset by an AI system.",
    ),
    "createPolicy": service_mutation(
        "createPolicy",
        ci.PolicyInput,
        ai_register.create_policy,
        payload={"policy": Policy},
        description="Create a governance or security policy (or one control of a framework).",
    ),
    "linkAISystemPolicy": service_mutation(
        "linkAISystemPolicy",
        ci.AISystemPolicyInput,
        ai_register.link_ai_system_policy,
        payload={"link": PolicyLink},
        description="Record where an AI system stands against a policy; calling again updates it.",
    ),
    "createProcessingActivity": service_mutation(
        "createProcessingActivity",
        ci.ProcessingActivityInput,
        ai_register.create_processing_activity,
        payload={"processing_activity": ProcessingActivity},
        description="Add an entry to the GDPR Art. 30 record.",
    ),
    "updateProcessingActivity": service_mutation(
        "updateProcessingActivity",
        ci.ProcessingActivityUpdate,
        ai_register.update_processing_activity,
        payload={"processing_activity": ProcessingActivity},
        updates="ProcessingActivity",
        description="Change an entry of the GDPR Art. 30 record: the fields sent change, the "
        "others stay ([] empties a list). domainId moves it to another "
        "domain: the register right is needed on both.",
    ),
    "linkProcessingActivity": service_mutation(
        "linkProcessingActivity",
        ci.ProcessingActivityLinkInput,
        ai_register.link_processing_activity,
        payload={"processing_activity": ProcessingActivity},
        description="Attach a dataset and/or an AI system to a processing activity.",
    ),
    "recordAssessment": service_mutation(
        "recordAssessment",
        ci.AssessmentInput,
        ai_register.record_assessment,
        payload={"assessment": Assessment},
        description="Record a DPIA, FRIA or security homologation of an AI system or processing.",
    ),
    "reviewFinding": service_mutation(
        "reviewFinding",
        ci.FindingReviewInput,
        findings.review_finding,
        payload={"finding": Finding},
        description="Confirm or reject a scanner suggestion. The review survives re-scans.",
    ),
}


class ScanDataStorePayload(graphene.Mutation):
    """Start a scan of a data store in the background; poll `scanRuns` or `node(id)` for its end."""

    class Arguments:
        id = graphene.ID(required=True, description="The data store's id.")

    scan_run = graphene.Field(ScanRun)

    @staticmethod
    def mutate(root: Any, info: Info, id: str) -> ScanDataStorePayload:  # noqa: A002
        ctx = info.context
        store_id = decode_id(id, "DataStore", "id")
        try:
            liveness = Liveness.from_settings(ctx.settings)
            run = start_scan(ctx.session, ctx.actor, store_id, liveness=liveness)
            ctx.session.commit()
        except DomainError as exc:
            ctx.session.rollback()
            # `id` is an argument here, not a field of an input object
            extensions = {"code": exc.code} | ({"field": "id"} if exc.field else {})
            prefix = "id: " if exc.field else ""
            message = translate(exc.message)  # in the request's language
            raise GraphQLError(f"{prefix}{message}", extensions=extensions) from None
        except BaseException:
            ctx.session.rollback()
            raise
        try:
            ctx.services["scans"].submit(run.id, run.data_store_id)
        except Exception as exc:  # noqa: BLE001 - the queue refused: the run must not wait forever
            ctx.session.rollback()
            try:
                run = abandon_run(
                    sessionmaker(ctx.session.get_bind(), expire_on_commit=False),
                    run.id,
                    not_queued(exc),
                )
            except Exception:
                log.exception("scan run %s could be neither queued nor closed", run.id)
                raise GraphQLError(
                    "the scan could not be queued; the run will be closed as interrupted when "
                    "the API restarts or the store is scanned again, or by an admin "
                    "('registre scan --abandon')",
                    extensions={"code": "UNAVAILABLE"},
                ) from None
        return ScanDataStorePayload(scan_run=run)


MUTATIONS["scanDataStore"] = ScanDataStorePayload

Mutation = type(
    "Mutation",
    (graphene.ObjectType,),
    {_name: cls.Field() for _name, cls in MUTATIONS.items()},
)
