"""What an operation would cost, computed from the document before anything executes.

The cost estimates the resolver calls an operation asks for: every field counts one (an
alias is a field of its own, ``__typename`` included), and what is selected under a list
counts once per item the list may hold: ``first`` for a connection (its ``edges`` are
that page, not another multiplication), a configured estimate for a list without paging
(``fields``, ``findings``, introspection's ``types``). So ``datasets(first: 50) { edges {
node { fields { name } } } }`` costs ``1 + 50 * (1 + 1 + 10 * (1 + 1))`` with lists of 10.

The rule runs before graphql-core's own rules: those are linear at best in the size of
the document, and a document of 100,000 aliases must be refused before any of them runs.
It therefore tolerates what they refuse (unknown fields count one, unknown fragments
nothing, a fragment cycle is followed once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql.validation import ValidationContext, ValidationRule

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from registre.graphql.pagination import DEFAULT_PAGE_SIZE

COST_CODE = "QUERY_TOO_COSTLY"


def cost_limit_rule(
    max_cost: int, list_size: int, max_page: int, variables: dict[str, Any] | None
) -> type[ValidationRule]:
    """A validation rule refusing an operation whose cost exceeds ``max_cost``.

    ``first`` counts at most ``max_page``: a larger page is refused when the field runs
    (``check_first``), with an error naming ``first``, before any item is read."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            estimate = _Estimate(self.context, list_size, max_page, variables or {}, max_cost)
            root = estimate.root_type(node.operation)
            cost = estimate.selection(node.selection_set, root, frozenset())
            if cost > max_cost:
                name = f"'{node.name.value}' " if node.name else ""
                self.report_error(
                    GraphQLError(
                        f"the operation {name}would cost {_shown(cost, max_cost)} (fields, "
                        f"aliases included, times the size of the lists they are under); "
                        f"at most {max_cost:,} (setting api_max_query_cost): ask for "
                        f"fewer fields or smaller pages",
                        node,
                        extensions={"code": COST_CODE, "cost": cost, "limit": max_cost},
                    )
                )

    return CostLimit


def _shown(cost: int, max_cost: int) -> str:
    return f"more than {max_cost:,}" if cost > max_cost * 1000 else f"{cost:,}"


class _Estimate:
    def __init__(
        self,
        context: ValidationContext,
        list_size: int,
        max_page: int,
        variables: dict[str, Any],
        cap: int,
    ) -> None:
        self.max_page = max_page
        self.schema: GraphQLSchema = context.schema
        self.fragments: Callable[[str], FragmentDefinitionNode | None] = context.get_fragment
        self.list_size = list_size
        self.variables = variables
        # Past this, the exact figure does not matter: stop multiplying (a document of
        # nested lists would otherwise compute numbers with thousands of digits).
        self.ceiling = cap * 1000 + 1

    def root_type(self, operation: OperationType) -> GraphQLObjectType | None:
        if operation is OperationType.MUTATION:
            return self.schema.mutation_type
        if operation is OperationType.SUBSCRIPTION:
            return self.schema.subscription_type
        return self.schema.query_type

    def selection(
        self, selection_set: SelectionSetNode | None, parent: Any, seen: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(node.selection_set, inner, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments(node.name.value)
                if fragment is not None:
                    inner = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection(fragment.selection_set, inner, seen | {node.name.value})
            if total >= self.ceiling:
                return self.ceiling
        return total

    def field(self, node: FieldNode, parent: Any, seen: frozenset[str]) -> int:
        fields = getattr(parent, "fields", None)
        definition = fields.get(node.name.value) if isinstance(fields, dict) else None
        if node.name.value == "__schema":
            child_type: GraphQLNamedType | None = self.schema.get_type("__Schema")
        elif node.name.value == "__type":
            child_type = self.schema.get_type("__Type")
        else:
            child_type = get_named_type(definition.type) if definition else None
        children = self.selection(node.selection_set, child_type, seen)
        return 1 + self.times(node, definition, parent) * children

    def times(self, node: FieldNode, definition: Any, parent: Any) -> int:
        """How many times the field's selection runs for one parent."""
        if definition is None:
            return 1
        if "first" in definition.args:
            return min(self.first(node), self.max_page)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            # a connection's edges are the page its field's ``first`` already counted
            if node.name.value == "edges" and getattr(parent, "name", "").endswith("Connection"):
                return 1
            return self.list_size
        return 1

    def first(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                # a literal too long for any page: the page-size check refuses it later
                return max(0, int(value.value)) if len(value.value) <= 12 else self.max_page
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) and given >= 0 else DEFAULT_PAGE_SIZE
            return DEFAULT_PAGE_SIZE  # null, or a value the page-size check refuses
        return DEFAULT_PAGE_SIZE
