"""The whole schema walked by two stewards of two domains: no answer holds a name, an id
or a count of the other domain.

The queries are built from the schema itself (every root field, every connection, nested
fields a few levels deep, ``node(id)`` on every id of both domains, every export), so a
field added later is walked too. Every object of the seeded catalog carries its domain's
marker in its names (``tests/support/domains.py``); an answer is searched for the other
domain's marker and for the other domain's global ids. The guard test walks the same way
with an organisation-wide token and finds both domains: the walk does reach the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql_relay import to_global_id

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from registre.config.settings import Settings
from registre.graphql.schema import schema
from tests.support.api import Api, serve
from tests.support.catalogs import BACKENDS, Databases, open_catalog, pg_url_for
from tests.support.domains import MARKS, Side, TwoDomains, post, seed_two_domains

GQL: GraphQLSchema = schema.graphql_schema
#: how deep the walk goes below a root field (a connection's edges and node count)
DEPTH = 5
#: values of the required arguments the walk meets below the root
ARGUMENTS = {"since": '"2000-01-01T00:00:00Z"'}
#: the walk is large: the API's limits on one document are lifted for it
LIMITS = {
    "api_max_query_cost": 10_000_000,
    "api_max_query_depth": 50,
    "api_max_query_tokens": 1_000_000,
    "api_max_body_bytes": 16 * 1024 * 1024,
}


def _fillable(field: GraphQLField) -> str | None:
    """The arguments of ``field`` as written in a query ("" for none), or None when it has
    a required argument the walk cannot fill."""
    args = []
    for name, arg in field.args.items():
        if not is_non_null_type(arg.type):
            continue
        if name not in ARGUMENTS:
            return None
        args.append(f"{name}: {ARGUMENTS[name]}")
    return f"({', '.join(args)})" if args else ""


def selection(type_: Any, depth: int) -> str:
    """Every field of ``type_`` down to ``depth`` levels (leaves always)."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        parts = ["__typename"]
        if depth > 0:
            for possible in GQL.get_possible_types(named):
                parts.append(f"... on {possible.name} {selection(possible, depth)}")
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType), named
    parts = ["__typename"]
    for name, field in sorted(named.fields.items()):
        args = _fillable(field)
        if args is None:
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(f"{name}{args}")
        elif depth > 0:
            parts.append(f"{name}{args} {selection(inner, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


def _root(name: str, args: str = "", depth: int = DEPTH) -> str:
    field = GQL.query_type.fields[name]  # type: ignore[union-attr]
    inner = get_named_type(field.type)
    if is_leaf_type(inner):
        return f"{name}{args}"
    return f"{name}{args} {selection(inner, depth)}"


def documents(mine: Side, theirs: Side) -> Iterator[str]:
    """The walk's queries: every root field, node and look-ups by id on both domains' ids,
    and every export."""
    query_type = GQL.query_type
    assert query_type is not None
    for name, field in query_type.fields.items():
        args = _fillable(field)
        if args is not None:
            yield "{ " + _root(name, args) + " }"
    for side in (mine, theirs):
        for type_name, ids in side.ids.items():
            for row_id in ids:
                gid = json.dumps(to_global_id(type_name, row_id))
                # the fragment of the id's own type (every type at once costs too much)
                inner = selection(GQL.get_type(type_name), DEPTH - 1)
                yield f"{{ node(id: {gid}) {{ __typename ... on {type_name} {inner} }} }}"
                if type_name == "Dataset":
                    yield "{ " + _root("dataset", f"(id: {gid})", DEPTH - 1) + " }"
                if type_name == "AISystem":
                    yield "{ " + _root("aiSystem", f"(id: {gid})", DEPTH - 1) + " }"
                if type_name == "DataStore":
                    yield "{ " + _root("datasets", f"(filter: {{dataStoreId: {gid}}})") + " }"
                    yield "{ " + _root("scanRuns", f"(dataStoreId: {gid})") + " }"
        ai = json.dumps(to_global_id("AISystem", side.ids["AISystem"][0]))
        activity = json.dumps(to_global_id("ProcessingActivity", side.ids["ProcessingActivity"][0]))
        export_kind = GQL.get_type("ExportKind")
        assert isinstance(export_kind, GraphQLEnumType)
        for kind in export_kind.values:
            args = f"(kind: {kind}, aiSystemId: {ai}, processingActivityId: {activity})"
            yield "{ " + _root("export", args) + " }"


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    pg_url = pg_url_for(request, request.param)
    with open_catalog(databases, request.param, seed_two_domains, pg_url) as catalog:
        settings = Settings(database_url=catalog.url, **LIMITS)
        with serve(catalog, settings, tokens={}) as client:
            yield client


def walk(api: Api, token: str, mine: Side, theirs: Side) -> list[str]:
    """The text of every answer of the walk (data and errors)."""
    answers = []
    for document in documents(mine, theirs):
        body = post(api.client, token, document)
        # refusals are answers too (``users`` to a steward, an export of the other domain's
        # AI system); anything else (an internal error) fails the walk
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        assert codes <= {"FORBIDDEN", "NOT_FOUND"}, (document[:300], body["errors"])
        answers.append(json.dumps(body, ensure_ascii=False))
    return answers


def leaks(answers: list[str], theirs: Side) -> list[str]:
    """What of ``theirs`` the answers show: its marker, its global ids."""
    found = []
    gids = {json.dumps(gid) for gid in theirs.gids()}
    for text in answers:
        if theirs.mark in text.lower():
            at = text.lower().index(theirs.mark)
            found.append(f"marker: ...{text[max(0, at - 120) : at + 40]}...")
        found.extend(f"id: {gid}" for gid in gids if gid in text)
    return found


@pytest.mark.parametrize("mark", MARKS)
def test_a_steward_sees_nothing_of_the_other_domain(api: Api, mark: str) -> None:
    two = api.payload
    assert isinstance(two, TwoDomains)
    mine, theirs = two.sides[mark], two.other(mark)
    answers = walk(api, mine.steward_token, mine, theirs)
    assert leaks(answers, theirs) == []
    # and the walk saw its own domain: its names and ids are there
    assert any(mark in a.lower() for a in answers)
    assert leaks(answers, mine), "the walk must find the caller's own domain"


def test_the_walk_finds_a_leak_when_there_is_one(api: Api) -> None:
    """The guard: an organisation-wide token sees both domains, and the walk says so."""
    two = api.payload
    assert isinstance(two, TwoDomains)
    for mark in MARKS:
        mine, theirs = two.sides[mark], two.other(mark)
        found = leaks(walk(api, two.admin_token, mine, theirs), theirs)
        assert any(f.startswith("marker:") for f in found)
        assert any(f.startswith("id:") for f in found)
        # every kind of object of the other domain was reached by the walk
        seen = " ".join(found)
        reached = {
            t
            for t, ids in theirs.ids.items()
            for i in ids
            if json.dumps(to_global_id(t, i)) in seen
        }
        assert reached == set(theirs.ids), set(theirs.ids) - reached


def _counted_roots() -> Iterator[tuple[str, str]]:
    """Every root connection with a ``totalCount``, and its arguments as written."""
    query_type = GQL.query_type
    assert query_type is not None
    for name, field in sorted(query_type.fields.items()):
        inner = get_named_type(field.type)
        args = _fillable(field)
        if args is None or not isinstance(inner, GraphQLObjectType):
            continue
        if {"totalCount", "edges"} <= set(inner.fields) and "first" in field.args:
            written = args[1:-1] if args else ""
            yield name, "(" + ", ".join(a for a in (written, "first: 100") if a) + ")"


@pytest.mark.parametrize("mark", MARKS)
def test_a_steward_s_counts_are_what_it_can_list(api: Api, mark: str) -> None:
    """The names and ids above say nothing of a count: each root ``totalCount`` a steward
    reads must be the number of objects it can page through (whose names are its own)."""
    two = api.payload
    assert isinstance(two, TwoDomains)
    token = two.sides[mark].steward_token
    checked = []
    for name, args in _counted_roots():
        body = post(api.client, token, f"{{ {name}{args} {{ totalCount edges {{ cursor }} }} }}")
        if body.get("errors"):
            codes = {e.get("extensions", {}).get("code") for e in body["errors"]}
            assert codes <= {"FORBIDDEN"}, (name, body["errors"])
            continue
        page = body["data"][name]
        assert len(page["edges"]) < 100, name  # the seed is small: one page holds them all
        assert page["totalCount"] == len(page["edges"]), name
        checked.append(name)
    assert {"datasets", "dataStores", "aiSystems", "exposure", "exposureChanges"} <= set(checked)
