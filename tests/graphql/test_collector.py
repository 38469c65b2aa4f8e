"""Full garbage collections run between requests (graphql/collector.py), not in them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from registre.graphql import collector


@pytest.fixture
def settled() -> Iterator[None]:
    thresholds = gc.get_threshold()
    collector.settle()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _young_collections(n: int) -> None:
    gc.collect()  # the full count starts from zero
    for _ in range(n):
        gc.collect(1)  # each one counts towards the oldest generation


def test_settle_leaves_the_oldest_generation_to_the_collector(settled: None) -> None:
    assert gc.get_threshold()[2] == collector.OUT_OF_REACH
    assert gc.get_freeze_count() > 0


def test_a_due_collection_waits_for_no_request_in_flight(settled: None) -> None:
    _young_collections(collector.DUE - 1)
    assert not collector.collect_if_due(in_flight=0)  # not due yet
    _young_collections(collector.DUE)
    assert not collector.collect_if_due(in_flight=1)  # due, but a request is in flight
    assert gc.get_count()[2] >= collector.DUE
    assert collector.collect_if_due(in_flight=0)
    assert gc.get_count()[2] == 0


def test_a_long_overdue_collection_runs_whatever_is_in_flight(settled: None) -> None:
    _young_collections(collector.FORCED)
    assert collector.collect_if_due(in_flight=3)
