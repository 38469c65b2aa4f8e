"""Read side of the API: ``node``, ``me`` and one cursor connection per list, filters as the
issue names them. The statements come from :mod:`registre.catalog.data.search`; resolvers
only decode ids and page."""

from __future__ import annotations

from typing import Any, cast

import graphene
from graphene import relay
from graphql_relay import from_global_id
from sqlalchemy import select

from graphql import GraphQLError
from registre.catalog import models
from registre.catalog.data import search
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id
from registre.graphql.pagination import connection_type, page_args, paginate
from registre.graphql.types.ai import AISystem, Assessment, Policy, ProcessingActivity
from registre.graphql.types.common import EntityNode, Info
from registre.graphql.types.data import AuditEvent, Dataset, DataStore, Organisation
from registre.graphql.types.scans import ScanRun


class DatasetFilter(graphene.InputObjectType):
    search = graphene.String(description="Part of the name or description, any case.")
    data_store_id = graphene.ID()
    contains_personal_data = graphene.Boolean()
    sensitivity = graphene.Field(s.Sensitivity)
    include_removed = graphene.Boolean(default_value=False)


class AISystemFilter(graphene.InputObjectType):
    search = graphene.String(description="Part of the name or purpose, any case.")
    status = graphene.Field(s.AISystemStatus)
    risk_class = graphene.Field(s.RiskClass)


class AuditEventFilter(graphene.InputObjectType):
    entity_type = graphene.String()
    actor = graphene.String()
    action = graphene.String()


def _list_field(
    node: type[graphene.ObjectType], model: Any, description: str, **filters: Any
) -> tuple[Any, Any]:
    connection = connection_type(node)
    field = graphene.Field(
        graphene.NonNull(connection), description=description, **page_args(), **filters
    )

    def resolve(root: Any, info: Info, first: int | None = 20, after: str | None = None) -> Any:
        return paginate(info, select(model), model, first, after)

    return field, resolve


_org_field, _resolve_orgs = _list_field(
    Organisation, models.Organisation, "Organisations: bodies, providers, hosts."
)
_store_field, _resolve_stores = _list_field(DataStore, models.DataStore, "Registered data stores.")
_policy_field, _resolve_policies = _list_field(
    Policy, models.Policy, "Governance and security policies."
)
_pa_field, _resolve_pas = _list_field(
    ProcessingActivity, models.ProcessingActivity, "The GDPR Art. 30 record."
)
_assess_field, _resolve_assessments = _list_field(
    Assessment, models.Assessment, "DPIA, FRIA, homologations."
)

DatasetConnection = connection_type(Dataset)
AISystemConnection = connection_type(AISystem)
AuditEventConnection = connection_type(AuditEvent)
ScanRunConnection = connection_type(ScanRun)


def _node_type(info: Info, type_name: str) -> type[EntityNode] | None:
    """The entity type of the schema named ``type_name``, if there is one (the schema root
    lists them: ``NODE_TYPES``)."""
    found = info.schema.get_type(type_name) if type_name else None
    node_type: Any = getattr(found, "graphene_type", None)
    is_entity = isinstance(node_type, type) and issubclass(node_type, EntityNode)
    return cast(type[EntityNode], node_type) if is_entity and node_type._model else None


class Me(graphene.ObjectType):
    name = graphene.String(required=True)
    role = graphene.Field(s.Role, required=True)


class Query(graphene.ObjectType):
    node = graphene.Field(relay.Node, id=graphene.ID(required=True, description="A global id."))
    me = graphene.Field(Me, required=True, description="Who the token belongs to.")
    organisations = _org_field
    data_stores = _store_field
    policies = _policy_field
    processing_activities = _pa_field
    assessments = _assess_field
    datasets = graphene.Field(
        graphene.NonNull(DatasetConnection), filter=DatasetFilter(), **page_args()
    )
    dataset = graphene.Field(Dataset, id=graphene.ID(required=True))
    ai_systems = graphene.Field(
        graphene.NonNull(AISystemConnection), filter=AISystemFilter(), **page_args()
    )
    ai_system = graphene.Field(AISystem, id=graphene.ID(required=True))
    audit_events = graphene.Field(
        graphene.NonNull(AuditEventConnection),
        filter=AuditEventFilter(),
        **page_args(),
        description="The audit trail, oldest first.",
    )
    scan_runs = graphene.Field(
        graphene.NonNull(ScanRunConnection),
        data_store_id=graphene.ID(),
        status=graphene.Argument(s.ScanStatus),
        **page_args(),
    )

    resolve_organisations = staticmethod(_resolve_orgs)
    resolve_data_stores = staticmethod(_resolve_stores)
    resolve_policies = staticmethod(_resolve_policies)
    resolve_processing_activities = staticmethod(_resolve_pas)
    resolve_assessments = staticmethod(_resolve_assessments)

    @staticmethod
    def resolve_node(root: Any, info: Info, id: str) -> Any:  # noqa: A002
        # graphene's own node field answers garbage ids with an internal error; name the field.
        try:
            type_name = from_global_id(id)[0]
        except Exception:  # noqa: BLE001 - graphql_relay raises assorted errors on garbage
            type_name = ""
        node_type = _node_type(info, type_name)
        if node_type is None:
            raise GraphQLError(
                f"id: '{id}' is not the id of an object of this API",
                extensions={"code": "INVALID_INPUT", "field": "id"},
            )
        return info.context.session.get(node_type._model, decode_id(id, type_name, "id"))

    @staticmethod
    def resolve_me(root: Any, info: Info) -> Me:
        actor = info.context.actor
        return Me(name=actor.name, role=actor.role)

    @staticmethod
    def resolve_datasets(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,  # noqa: A002 - the GraphQL argument is named filter
        first: int | None = 20,
        after: str | None = None,
    ) -> Any:
        flt = filter or {}
        store = flt.get("data_store_id")
        stmt = search.datasets_statement(
            search=flt.get("search"),
            data_store_id=None
            if store is None
            else decode_id(store, "DataStore", "filter.dataStoreId"),
            contains_personal_data=flt.get("contains_personal_data"),
            sensitivity=flt.get("sensitivity"),
            include_removed=bool(flt.get("include_removed")),
        )
        return paginate(info, stmt, models.Dataset, first, after)

    @staticmethod
    def resolve_dataset(root: Any, info: Info, id: str) -> Any:  # noqa: A002
        return info.context.session.get(models.Dataset, decode_id(id, "Dataset", "id"))

    @staticmethod
    def resolve_ai_systems(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,  # noqa: A002 - the GraphQL argument is named filter
        first: int | None = 20,
        after: str | None = None,
    ) -> Any:
        flt = filter or {}
        stmt = search.ai_systems_statement(
            search=flt.get("search"), status=flt.get("status"), risk_class=flt.get("risk_class")
        )
        return paginate(info, stmt, models.AISystem, first, after)

    @staticmethod
    def resolve_ai_system(root: Any, info: Info, id: str) -> Any:  # noqa: A002
        return info.context.session.get(models.AISystem, decode_id(id, "AISystem", "id"))

    @staticmethod
    def resolve_audit_events(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,  # noqa: A002 - the GraphQL argument is named filter
        first: int | None = 20,
        after: str | None = None,
    ) -> Any:
        flt = filter or {}
        stmt = search.audit_events_statement(
            entity_type=flt.get("entity_type"), actor=flt.get("actor"), action=flt.get("action")
        )
        return paginate(info, stmt, models.AuditEvent, first, after)

    @staticmethod
    def resolve_scan_runs(
        root: Any,
        info: Info,
        data_store_id: str | None = None,
        status: Any = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Any:
        store_id = None
        if data_store_id is not None:
            store_id = decode_id(data_store_id, "DataStore", "dataStoreId")
        stmt = search.scan_runs_statement(data_store_id=store_id, status=status)
        return paginate(info, stmt, models.ScanRun, first, after)
