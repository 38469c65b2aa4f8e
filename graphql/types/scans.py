"""GraphQL object types of scan runs: a run, each of its tables, and why a store or a
table could not be scanned (the detail for admins only)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from registre.catalog import models
from registre.catalog.data.scan_errors import visible_scan_errors
from registre.catalog.i18n import translate
from registre.graphql import conversions as s
from registre.graphql.types.common import EntityNode, Info, entity, via
from registre.graphql.types.data import DataStore


@entity(models.ScanRun)
class ScanRun(EntityNode):
    class Meta:
        interfaces = (relay.Node,)

    data_store = graphene.Field(DataStore, required=True)
    trigger = graphene.Field(s.ScanTrigger, required=True)
    status = graphene.Field(s.ScanStatus, required=True)
    requested_by = graphene.String()
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    duration_seconds = graphene.Float()
    datasets_scanned = graphene.Int(required=True)
    datasets_failed = graphene.Int(required=True)
    findings_new = graphene.Int(required=True)
    findings_changed = graphene.Int(required=True)
    findings_gone = graphene.Int(required=True)
    sample_size = graphene.Int()
    errors = graphene.List(graphene.NonNull(lambda: ScanError), required=True)
    drift = graphene.JSONString(
        required=True, description="New, dropped and retyped columns and tables."
    )
    scanner_version = graphene.String()
    tables = graphene.List(
        graphene.NonNull(lambda: ScanRunTable),
        required=True,
        description="Each table of the run: where it stands, how it was sampled, how long it "
        "took, what it found (its error, if any, is in errors).",
    )

    resolve_data_store = via("data_store", "data_store_id")
    resolve_tables = via("tables_by_scan_run")

    @staticmethod
    def resolve_duration_seconds(root: models.ScanRun, info: Info) -> float | None:
        if root.started_at is None or root.finished_at is None:
            return None
        return (root.finished_at - root.started_at).total_seconds()

    @staticmethod
    def resolve_errors(root: models.ScanRun, info: Info) -> list[Any]:
        return [
            ScanError(dataset=e.dataset, kind=e.kind.value, message=translate(e.message))
            for e in visible_scan_errors(info.context.actor, root.errors)
        ]


class ScanRunTable(graphene.ObjectType):
    """One table of a scan run."""

    name = graphene.String(required=True)
    status = graphene.String(required=True, description="PENDING, DONE or FAILED.")
    sample_method = graphene.String(
        description="How the rows were drawn: shuffled whole, tablesample, tablesample by "
        "key, range reads, random positions or whole view (databases); reservoir, reservoir "
        "of a prefix (the file was read in part) or random row groups (files)."
    )
    sample_rows = graphene.Int()
    sample_ms = graphene.Int(description="Milliseconds spent reading the sample.")
    scan_ms = graphene.Int(
        description="Milliseconds spent on the table (sample, classify, record)."
    )
    findings_new = graphene.Int(required=True)
    findings_changed = graphene.Int(required=True)
    findings_gone = graphene.Int(required=True)

    @staticmethod
    def resolve_status(root: models.ScanRunTable, info: Info) -> str:
        return root.status.value


class ScanError(graphene.ObjectType):
    """Why a store or a table could not be scanned."""

    dataset = graphene.String()
    kind = graphene.String(
        required=True,
        description="unreachable, authentication failed, permission denied, timeout, "
        "invalid data, not found, invalid configuration, cancelled, skipped or internal.",
    )
    message = graphene.String(
        required=True,
        description="The detail for admins; for other roles, a fixed sentence naming the "
        "table and the kind (never the data store's own words).",
    )
