"""Exports a DPO hands over (filled by the governance work)."""

from __future__ import annotations

import graphene


class ExportQuery(graphene.ObjectType):
    pass
