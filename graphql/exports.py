"""Exports a DPO hands over: ``export(kind, format, aiSystemId, processingActivityId)``.

A thin resolver over :func:`registre.catalog.exports.registry.build_export`; every role may call
it (exports carry the register, never finding evidence).
"""

from __future__ import annotations

from typing import Any

import graphene

from registre.catalog.exports.registry import ExportFile as ExportFileData
from registre.catalog.exports.registry import ExportFormat as CatalogExportFormat
from registre.catalog.exports.registry import ExportKind as CatalogExportKind
from registre.catalog.exports.registry import build_export
from registre.graphql.conversions import gql_enum
from registre.graphql.ids import decode_id
from registre.graphql.types.common import Info

ExportKind = gql_enum(CatalogExportKind)
ExportFormat = gql_enum(CatalogExportFormat)


class ExportFile(graphene.ObjectType):
    """A file to save: its suggested name, its media type and its text."""

    filename = graphene.String(required=True)
    media_type = graphene.String(required=True)
    content = graphene.String(
        required=True,
        description="The file's text; CSV_EXCEL starts with a UTF-8 byte order mark.",
    )


class ExportQuery(graphene.ObjectType):
    export = graphene.Field(
        graphene.NonNull(ExportFile),
        kind=graphene.Argument(graphene.NonNull(ExportKind)),
        format=graphene.Argument(
            ExportFormat,
            description="Default: CSV for ART30 and INVENTORY, JSON for ANNEX_VIII and PIA.",
        ),
        ai_system_id=graphene.ID(description="Required by ANNEX_VIII."),
        processing_activity_id=graphene.ID(description="Required by PIA."),
        description="The Art. 30 record, the public algorithm inventory, AI Act Annex VIII "
        "Section C data, or a DPIA pre-filled for the CNIL PIA tool.",
    )

    @staticmethod
    def resolve_export(
        root: Any,
        info: Info,
        kind: Any,
        format: Any = None,  # noqa: A002 - the API's argument name
        ai_system_id: str | None = None,
        processing_activity_id: str | None = None,
    ) -> ExportFileData:
        ctx = info.context
        return build_export(
            ctx.session,
            ctx.actor,
            CatalogExportKind(_value(kind)),
            CatalogExportFormat(_value(format)) if format is not None else None,
            ai_system_id=(
                decode_id(ai_system_id, "AISystem", "aiSystemId") if ai_system_id else None
            ),
            processing_activity_id=(
                decode_id(processing_activity_id, "ProcessingActivity", "processingActivityId")
                if processing_activity_id
                else None
            ),
        )


def _value(member: Any) -> str:
    # graphene hands resolvers the Python enum member (or its value, depending on version)
    return str(getattr(member, "value", member))
