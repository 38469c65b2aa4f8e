"""Compliance issues and the guided AI Act classification (filled by the governance work)."""

from __future__ import annotations

import graphene


class ComplianceQuery(graphene.ObjectType):
    pass


class ComplianceMutation(graphene.ObjectType):
    pass
