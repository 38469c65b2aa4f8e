"""GraphQL over HTTP, as the spec says (graphql.github.io/graphql-over-http).

* POST with ``application/json``: queries and mutations; GET with ``?query=``: queries only
  (a mutation over GET is 405, so a link can never change the register).
* Malformed requests (bad JSON, no query, wrong types) are 400; an unsupported media type
  is 415.
* With ``Accept: application/graphql-response+json`` a document that does not parse or
  validate is 400; with ``application/json`` it is 200, as the spec requires for that
  legacy media type. Execution errors are 200 with ``errors`` beside ``data``.
* Unexpected errors never leak a stack trace: the client gets an id to quote, the log
  gets the trace.
* Cost is bounded before work: a document of too many tokens is refused while it parses,
  one whose cost (``graphql/cost.py``) is too high before the standard validation runs; a
  request past its time limit is stopped (``graphql/middleware.py``) and answered 503.
  Refused documents follow the rule above (400, or 200 with ``application/json``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphene.validation import depth_limit_validator
from graphql.execution.values import get_variable_values
from graphql.validation import specified_rules

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from registre.catalog.errors import DomainError
from registre.catalog.i18n import translate
from registre.graphql.conversions import gql_path
from registre.graphql.cost import cost_limit_rule
from registre.graphql.middleware import guard

log = logging.getLogger("registre.api")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class RequestError(Exception):
    """The HTTP request itself is wrong: answered with ``status`` and one error."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def params_from_mapping(data: Any) -> GraphQLParams:
    if not isinstance(data, dict):
        raise RequestError(400, "the request body must be a JSON object")
    query = data.get("query")
    variables = data.get("variables")
    operation_name = data.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise RequestError(400, "'query' is required and must be a non-empty string")
    if isinstance(variables, str):  # GET passes variables as a JSON string
        try:
            variables = json.loads(variables) if variables else None
        except json.JSONDecodeError:
            raise RequestError(400, "'variables' is not valid JSON") from None
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "'variables' must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "'operationName' must be a string")
    return GraphQLParams(query, variables, operation_name or None)


def format_error(error: GraphQLError) -> dict[str, Any]:
    """A client-safe error: domain errors keep their message, the rest get a reference."""
    original = error.original_error
    formatted: dict[str, Any] = dict(error.formatted)
    if original is None or isinstance(original, GraphQLError):
        return formatted
    if isinstance(original, DomainError):
        field = original.field
        if field and not field.startswith("input."):
            field = "input." + gql_path(field)
        message = translate(original.message)
        formatted["message"] = f"{field}: {message}" if field else message
        formatted["extensions"] = {"code": original.code} | ({"field": field} if field else {})
        return formatted
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error %s in %s", reference, error.path, exc_info=original)
    formatted["message"] = f"internal error (reference {reference}); the server log has the details"
    formatted["extensions"] = {"code": "INTERNAL", "reference": reference}
    return formatted


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]


class _Rejected(Exception):
    """The document or its variables are refused before execution: a request error."""

    def __init__(self, errors: Sequence[GraphQLError]) -> None:
        super().__init__()
        self.errors = list(errors)


def run_operation(
    schema: Any,
    params: GraphQLParams,
    *,
    method: str,
    strict_media: bool,
    context: Any,
    max_depth: int | None = None,
    max_root_fields: int | None = None,
) -> Outcome:
    """Parse, validate and execute one operation (in the calling thread, on its own loop).

    The limits are the settings of ``context``; ``max_depth`` and ``max_root_fields``
    override theirs."""
    settings = context.settings
    graphql_schema = schema.graphql_schema
    try:
        document = _validated(
            graphql_schema,
            params,
            max_depth or settings.api_max_query_depth,
            settings.api_max_query_tokens,
            cost_limit_rule(
                settings.api_max_query_cost,
                settings.api_list_size_estimate,
                settings.api_max_page_size,
                params.variables,
            ),
        )
        operation = _operation(document, params, method)
        _check_cost(operation, document, max_root_fields or settings.api_max_root_fields)
        _check_variables(graphql_schema, operation, params.variables)
    except _Rejected as exc:
        status = 400 if strict_media else 200
        return Outcome(status, {"errors": [dict(e.formatted) for e in exc.errors]})
    return _execute(graphql_schema, document, params, context)


def _parsed(query: str, max_tokens: int) -> DocumentNode:
    try:
        return parse(query, max_lexical_tokens=max_tokens, max_comments=max_tokens)
    except GraphQLError as exc:
        if "tokens" in exc.message or "comments" in exc.message:
            raise _Rejected(
                [
                    GraphQLError(
                        f"the document has more than {max_tokens:,} tokens or comments "
                        "(setting api_max_query_tokens); it was not parsed further",
                        extensions={"code": "QUERY_TOO_LARGE", "limit": max_tokens},
                    )
                ]
            ) from None
        raise _Rejected([exc]) from None


def _validated(
    graphql_schema: GraphQLSchema,
    params: GraphQLParams,
    max_depth: int,
    max_tokens: int,
    cost_rule: Any,
) -> DocumentNode:
    document = _parsed(params.query, max_tokens)
    # The cost first: the standard rules take time in proportion to the document (some,
    # like OverlappingFieldsCanBeMerged, more than that), so a costly one is refused first.
    errors = validate(graphql_schema, document, [cost_rule])
    if not errors:
        errors = validate(graphql_schema, document, specified_rules)
    if not errors:
        # Only once the standard rules pass: graphene's depth crawler follows fragment
        # spreads blindly (an unknown one raises KeyError, a cycle recurses without end).
        errors = validate(graphql_schema, document, [depth_limit_validator(max_depth)])
    if errors:
        raise _Rejected(errors)
    return document


def _operation(
    document: DocumentNode, params: GraphQLParams, method: str
) -> OperationDefinitionNode:
    operation = get_operation_ast(document, params.operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        message = (
            f"unknown operation '{params.operation_name}'"
            if params.operation_name
            else "the document has several operations: give operationName"
        )
        raise RequestError(400, message)
    if method == "GET" and operation.operation is not OperationType.QUERY:
        raise RequestError(
            405, "only queries may be sent with GET; use POST for mutations", {"Allow": "POST"}
        )
    return operation


def _check_cost(
    operation: OperationDefinitionNode, document: DocumentNode, max_root_fields: int
) -> None:
    roots, introspection = _root_fields(operation, document)
    if roots > max_root_fields or introspection > 1:
        what = (
            f"{roots} root fields (aliases included); at most {max_root_fields}"
            if roots > max_root_fields
            else f"{introspection} introspection fields (__schema, __type); at most 1"
        )
        raise _Rejected(
            [
                GraphQLError(
                    f"the operation asks {what} are executed in one request",
                    extensions={"code": "QUERY_TOO_COSTLY"},
                )
            ]
        )


def _check_variables(
    graphql_schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> None:
    coerced = get_variable_values(
        graphql_schema, operation.variable_definitions or (), variables or {}
    )
    if isinstance(coerced, list):
        # Variables that do not fit their types: a request error, nothing executed (the
        # spec says a response without "data").
        raise _Rejected(coerced)


def _execute(
    graphql_schema: GraphQLSchema, document: DocumentNode, params: GraphQLParams, context: Any
) -> Outcome:
    async def run() -> ExecutionResult:
        # Inside the loop: DataLoaders bind to the running loop when resolvers call load().
        outcome = execute(
            graphql_schema,
            document,
            variable_values=params.variables,
            operation_name=params.operation_name,
            context_value=context,
            middleware=[guard],
        )
        return outcome if isinstance(outcome, ExecutionResult) else await outcome

    result = asyncio.run(run())
    budget = context.budget
    if result.errors and budget.exhausted:
        # Stopped midway (by the middleware, or by the database interrupting a statement):
        # the part of the data there is would mislead. 503: the server gave up on this
        # request; sent again, lighter or at a quieter moment, it may succeed.
        try:
            budget.check()
        except GraphQLError as exc:
            return Outcome(503, {"errors": [dict(exc.formatted)]})
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    # Execution errors, even one that nulls the whole result, are a 200 with "data".
    return Outcome(200, body)


def _root_fields(operation: OperationDefinitionNode, document: DocumentNode) -> tuple[int, int]:
    """Fields the operation asks at its root, through fragments, and how many of them are
    introspection: each runs a resolver over the whole register or schema, so their number
    bounds what one request may cost (``__typename`` is free and not counted)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    fields: list[str] = []

    def collect(selections: Any, seen: frozenset[str]) -> None:
        for node in selections:
            if isinstance(node, FieldNode):
                fields.append(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                collect(node.selection_set.selections, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = fragments.get(node.name.value)
                if fragment is not None:
                    collect(fragment.selection_set.selections, seen | {node.name.value})

    collect(operation.selection_set.selections, frozenset())
    counted = [name for name in fields if name != "__typename"]
    return len(counted), sum(1 for name in counted if name in ("__schema", "__type"))
