"""Read side of the API: one cursor connection per list, filters as the issue names them."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from graphql_relay import from_global_id
from sqlalchemy import Select, exists, or_, select

from graphql import GraphQLError
from registre.catalog import models
from registre.catalog.data.findings import counts_as_personal_sql
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id
from registre.graphql.pagination import connection_type, page_args, paginate
from registre.graphql.types import data as t

Info = Any


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(stmt: Select[Any], search: str | None, *columns: Any) -> Select[Any]:
    if not search:
        return stmt
    pattern = _like(search.strip())
    return stmt.where(or_(*(col.ilike(pattern, escape="\\") for col in columns)))


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


def personal_data_condition() -> Any:
    """``Dataset`` holds a field with a finding that counts as personal data."""
    return exists(
        select(models.Finding.id)
        .join(models.Field, models.Field.id == models.Finding.field_id)
        .where(
            models.Field.dataset_id == models.Dataset.id,
            models.Field.removed_at.is_(None),
            counts_as_personal_sql(),
        )
    )


def datasets_statement(flt: dict[str, Any] | None) -> Select[Any]:
    flt = flt or {}
    stmt = select(models.Dataset)
    if not flt.get("include_removed"):
        stmt = stmt.where(models.Dataset.removed_at.is_(None))
    stmt = _search(stmt, flt.get("search"), models.Dataset.name, models.Dataset.description)
    if flt.get("data_store_id") is not None:
        store_id = decode_id(flt["data_store_id"], "DataStore", "filter.dataStoreId")
        stmt = stmt.where(models.Dataset.data_store_id == store_id)
    if flt.get("sensitivity") is not None:
        stmt = stmt.where(models.Dataset.sensitivity == flt["sensitivity"])
    if flt.get("contains_personal_data") is not None:
        cond = personal_data_condition()
        stmt = stmt.where(cond if flt["contains_personal_data"] else ~cond)
    return stmt


def ai_systems_statement(flt: dict[str, Any] | None) -> Select[Any]:
    flt = flt or {}
    stmt = _search(
        select(models.AISystem), flt.get("search"), models.AISystem.name, models.AISystem.purpose
    )
    if flt.get("status") is not None:
        stmt = stmt.where(models.AISystem.status == flt["status"])
    if flt.get("risk_class") is not None:
        stmt = stmt.where(models.AISystem.risk_class == flt["risk_class"])
    return stmt


def _list_field(
    node: type[graphene.ObjectType], model: Any, description: str, **filters: Any
) -> tuple[Any, Any]:
    connection = connection_type(node)
    field = graphene.Field(
        graphene.NonNull(connection), description=description, **page_args(), **filters
    )

    def resolve(root: Any, info: Info, first: int = 20, after: str | None = None) -> Any:
        return paginate(info, select(model), model, first, after)

    return field, resolve


_org_field, _resolve_orgs = _list_field(
    t.Organisation, models.Organisation, "Organisations: bodies, providers, hosts."
)
_store_field, _resolve_stores = _list_field(
    t.DataStore, models.DataStore, "Registered data stores."
)
_policy_field, _resolve_policies = _list_field(
    t.Policy, models.Policy, "Governance and security policies."
)
_pa_field, _resolve_pas = _list_field(
    t.ProcessingActivity, models.ProcessingActivity, "The GDPR Art. 30 record."
)
_assess_field, _resolve_assessments = _list_field(
    t.Assessment, models.Assessment, "DPIA, FRIA, homologations."
)

DatasetConnection = connection_type(t.Dataset)
AISystemConnection = connection_type(t.AISystem)
AuditEventConnection = connection_type(t.AuditEvent)
ScanRunConnection = connection_type(t.ScanRun)


_NODE_TYPES = {node._meta.name: node for node in t.NODE_TYPES}


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
    dataset = graphene.Field(t.Dataset, id=graphene.ID(required=True))
    ai_systems = graphene.Field(
        graphene.NonNull(AISystemConnection), filter=AISystemFilter(), **page_args()
    )
    ai_system = graphene.Field(t.AISystem, id=graphene.ID(required=True))
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
        node_type = _NODE_TYPES.get(type_name)
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
        filter: dict[str, Any] | None = None,
        first: int = 20,
        after: str | None = None,  # noqa: A002
    ) -> Any:
        return paginate(info, datasets_statement(filter), models.Dataset, first, after)

    @staticmethod
    def resolve_dataset(root: Any, info: Info, id: str) -> Any:  # noqa: A002
        return info.context.session.get(models.Dataset, decode_id(id, "Dataset", "id"))

    @staticmethod
    def resolve_ai_systems(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,
        first: int = 20,
        after: str | None = None,  # noqa: A002
    ) -> Any:
        return paginate(info, ai_systems_statement(filter), models.AISystem, first, after)

    @staticmethod
    def resolve_ai_system(root: Any, info: Info, id: str) -> Any:  # noqa: A002
        return info.context.session.get(models.AISystem, decode_id(id, "AISystem", "id"))

    @staticmethod
    def resolve_audit_events(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,
        first: int = 20,
        after: str | None = None,  # noqa: A002
    ) -> Any:
        stmt = select(models.AuditEvent)
        for key in ("entity_type", "actor", "action"):
            if filter and filter.get(key):
                stmt = stmt.where(getattr(models.AuditEvent, key) == filter[key])
        return paginate(info, stmt, models.AuditEvent, first, after)

    @staticmethod
    def resolve_scan_runs(
        root: Any,
        info: Info,
        data_store_id: str | None = None,
        status: Any = None,
        first: int = 20,
        after: str | None = None,
    ) -> Any:
        stmt = select(models.ScanRun)
        if data_store_id is not None:
            stmt = stmt.where(
                models.ScanRun.data_store_id == decode_id(data_store_id, "DataStore", "dataStoreId")
            )
        if status is not None:
            stmt = stmt.where(models.ScanRun.status == status)
        return paginate(info, stmt, models.ScanRun, first, after)
