"""Exposure of personal data, for security teams: ``exposure`` and ``exposureChanges``, and
the saved queries of ``saved_queries/``.

The resolvers are thin: :mod:`catalog.exposure` selects, loads and counts; the types
(:mod:`.types.exposure`, :mod:`.types.exposure_changes`) only shape the answer.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any

import graphene

from graphql import GraphQLError
from registre.catalog import models
from registre.catalog.enums import FindingStatus, RiskClass
from registre.catalog.exposure.changes import (
    ChangeKey,
    ChangeKind,
    count_changes,
    exposure_changes,
)
from registre.catalog.exposure.details import exposure_page
from registre.catalog.exposure.query import ExposureFilter, exposed_datasets
from registre.catalog.exposure.summary import ExposureSummary as ExposureSummaryCounts
from registre.graphql.ids import MAX_KEY, decode_id
from registre.graphql.pagination import (
    Edge,
    KeysetPage,
    Page,
    check_first,
    json_codec,
    page_args,
    paginate,
)
from registre.graphql.types.common import Info
from registre.graphql.types.exposure import ExposureConnection
from registre.graphql.types.exposure import ExposureFilter as ExposureFilterInput
from registre.graphql.types.exposure_changes import ChangeKindEnum, ExposureChangeConnection

#: the saved queries a security team keeps (``graphql/saved_queries/*.graphql``)
SAVED_QUERIES_DIR = Path(__file__).resolve().parent / "saved_queries"


def saved_queries() -> dict[str, str]:
    """The saved queries shipped with Registre, by file name without ``.graphql``."""
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(SAVED_QUERIES_DIR.glob("*.graphql"))
    }


def _dump_change(key: ChangeKey) -> list[Any]:
    at, finding_id, kind = key
    return [at.isoformat(), finding_id, kind.value]


def _load_change(parts: list[Any]) -> ChangeKey:
    at, finding_id, kind = parts
    if isinstance(finding_id, bool) or not isinstance(finding_id, int):
        raise ValueError(finding_id)
    if not 0 <= finding_id <= MAX_KEY:  # beyond the keys: the database would overflow
        raise ValueError(finding_id)
    return dt.datetime.fromisoformat(at), finding_id, ChangeKind(kind)


#: keyset cursors of ``exposureChanges``: (time, finding, kind)
CHANGE_CURSOR = json_codec("change", "exposureChanges", _dump_change, _load_change)


class ExposurePage(Page):
    """Root of an ``ExposureConnection``: a page of datasets and, lazily, the summary."""

    def __init__(self, info: Info, page: KeysetPage, flt: ExposureFilter) -> None:
        self._page = page
        self._session = info.context.session
        self._filter = flt
        exposures = exposure_page(self._session, page.items, flt)
        self.edges = [Edge(e.cursor, x) for e, x in zip(page.edges, exposures, strict=True)]
        self.has_next_page = page.has_next_page
        self.has_previous_page = page.has_previous_page

    @property
    def total_count(self) -> int:
        # the summary's dataset count: the same datasets, read from the kept exposure
        # without joining ``dataset`` (and one statement when both are asked)
        return self.summary.datasets

    @cached_property
    def summary(self) -> ExposureSummaryCounts:
        return ExposureSummaryCounts(self._session, self._filter)


class ChangesPage(Page):
    """Root of an ``ExposureChangeConnection``: keyset pages over (time, finding, kind)."""

    def __init__(
        self,
        info: Info,
        since: dt.datetime,
        until: dt.datetime | None,
        kinds: frozenset[ChangeKind],
        first: int,
        after: str | None,
        open_data: bool = False,
    ) -> None:
        self._session = info.context.session
        self._args = (since, until, kinds, open_data)
        key = None if after is None else CHANGE_CURSOR.decode(after)
        rows = exposure_changes(
            self._session,
            since,
            until=until,
            kinds=kinds,
            after=key,
            limit=first + 1,
            open_data=open_data,
        )
        self.edges = [Edge(CHANGE_CURSOR.encode(row.key), row) for row in rows[:first]]
        self.has_next_page = len(rows) > first
        self.has_previous_page = after is not None

    @cached_property
    def counts(self) -> dict[ChangeKind, int]:
        since, until, kinds, open_data = self._args
        return count_changes(self._session, since, until=until, kinds=kinds, open_data=open_data)

    @property
    def total_count(self) -> int:
        return sum(self.counts.values())


def _values(items: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for v in items or [] if v.strip())


def exposure_filter(data: dict[str, Any] | None) -> ExposureFilter:
    """The service filter from the GraphQL input."""
    data = data or {}
    store, status, risk = data.get("data_store_id"), data.get("status"), data.get("ai_risk_class")
    store_id = None if store is None else decode_id(store, "DataStore", "filter.dataStoreId")
    return ExposureFilter(
        categories=_values(data.get("category")),
        entity_types=_values(data.get("entity_type")),
        status=None if status is None else FindingStatus(getattr(status, "value", status)),
        data_store_id=store_id,
        hosting_outside_eu=data.get("hosting_outside_eu"),
        non_eu_control=data.get("non_eu_control"),
        ai_risk_class=None if risk is None else RiskClass(getattr(risk, "value", risk)),
        used_by_ai_system=data.get("used_by_ai_system"),
    )


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise GraphQLError(
            f"{name}: give a time zone, e.g. 2025-01-06T00:00:00Z",
            extensions={"code": "INVALID_INPUT", "field": name},
        )
    return value


class ExposureQuery(graphene.ObjectType):
    exposure = graphene.Field(
        graphene.NonNull(ExposureConnection),
        filter=ExposureFilterInput(),
        **page_args(),
        description="Datasets holding personal data, with where they are hosted, the AI "
        "systems and policies that reach them and the open compliance issues.",
    )
    exposure_changes = graphene.Field(
        graphene.NonNull(ExposureChangeConnection),
        since=graphene.DateTime(required=True, description="With a time zone."),
        until=graphene.DateTime(description="Exclusive; default: now."),
        kinds=graphene.List(graphene.NonNull(ChangeKindEnum), description="Default: all."),
        open_data=graphene.Boolean(
            description="True: only changes on datasets marked open data (CRPA L312-1-2)."
        ),
        **page_args(),
        description="Personal data found, confirmed, rejected or gone since a time, oldest first.",
    )

    @staticmethod
    def resolve_exposure(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,  # noqa: A002 - the API's argument name
        first: int | None = 20,
        after: str | None = None,
    ) -> ExposurePage:
        flt = exposure_filter(filter)
        page = paginate(info, exposed_datasets(flt), models.Dataset, first, after)
        return ExposurePage(info, page, flt)

    @staticmethod
    def resolve_exposure_changes(
        root: Any,
        info: Info,
        since: dt.datetime,
        until: dt.datetime | None = None,
        kinds: list[Any] | None = None,
        first: int | None = 20,
        after: str | None = None,
        open_data: bool | None = None,
    ) -> ChangesPage:
        first = check_first(info, first)
        chosen = frozenset(ChangeKind(getattr(k, "value", k)) for k in kinds or ChangeKind)
        _aware(since, "since")
        return ChangesPage(
            info, since, _aware(until, "until"), chosen, first, after, bool(open_data)
        )
