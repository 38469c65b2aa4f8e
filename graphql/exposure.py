"""Exposure of personal data, for security teams (filled by the governance work)."""

from __future__ import annotations

import graphene


class ExposureQuery(graphene.ObjectType):
    pass
