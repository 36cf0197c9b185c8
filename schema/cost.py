"""Query cost: every field costs 1, multiplied by the page size of each enclosing connection."""

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

# GraphQL's Int is 32-bit: a larger `first` fails variable coercion, which must get to say so.
MAX_INT = 2**31 - 1
# Costs stop growing here, so a reported cost stays a JSON-safe number.
COST_CEILING = 2**53


class QueryCostLimiter(SchemaExtension):
    """Rejects operations whose worst-case cost is above `max_cost` before they run.

    Runs after validation caching (it needs the variables, which the cached validation cannot
    see), so it must come after ValidationCache in the extension list.
    """

    def __init__(self, *, max_cost: int, default_page_size: int) -> None:
        self.max_cost = max_cost
        self.default_page_size = default_page_size

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and not ctx.pre_execution_errors:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            walker = _Walker(fragments, ctx.variables or {}, self.default_page_size)
            for op in document.definitions:
                if not isinstance(op, OperationDefinitionNode):
                    continue
                if ctx.operation_name and op.name and op.name.value != ctx.operation_name:
                    continue
                cost = walker.cost(op.selection_set)
                if cost > self.max_cost:
                    error = GraphQLError(
                        f"Query cost {cost} exceeds the maximum of {self.max_cost}: "
                        "ask for smaller pages or fewer nested connections.",
                        nodes=[op],
                        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost},
                    )
                    ctx.pre_execution_errors = [*(ctx.pre_execution_errors or []), error]
        yield


class _Walker:
    def __init__(
        self, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any], page: int
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.page = page
        self.read_variables = False  # whether a page size came from a variable

    def cost(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str] = frozenset()
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total += 1 + self._multiplier(sel) * self.cost(sel.selection_set, seen)
            elif isinstance(sel, InlineFragmentNode):
                total += self.cost(sel.selection_set, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                fragment = self.fragments.get(sel.name.value)
                if fragment is not None:
                    total += self.cost(fragment.selection_set, seen | {sel.name.value})
        return min(total, COST_CEILING)

    def _multiplier(self, node: FieldNode) -> int:
        args = {a.name.value: a.value for a in node.arguments or ()}
        value = args.get("first") or args.get("last")
        if isinstance(value, IntValueNode):  # validation has refused it if out of range
            too_long = len(value.value) > len(str(MAX_INT))
            return MAX_INT if too_long else max(1, min(int(value.value), MAX_INT))
        if isinstance(value, VariableNode):
            self.read_variables = True
            # The raw variable, not yet type-checked: anything but an Int in range costs a
            # default page, and coercion refuses it later with a typed error.
            given = self.variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool) and given <= MAX_INT:
                return max(1, given)
            return self.page
        if value is not None or _is_connection(node):
            return self.page
        return 1


def _is_connection(node: FieldNode) -> bool:
    selections = node.selection_set.selections if node.selection_set else ()
    return any(isinstance(s, FieldNode) and s.name.value == "edges" for s in selections)


def request_cost(
    document: DocumentNode | None,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    *,
    default_page_size: int,
) -> int:
    """The worst-case cost of the operation a request runs (what its budget is charged): the
    same walk as QueryCostLimiter's; 1 for a document that will not run. Remembered per
    (parsed document, operation) when no page size comes from a variable (a mutation's, most
    documents'): the parsed and validated documents are cached, so a known one is walked once."""
    if document is None:
        return 1
    key = (id(document), operation_name, default_page_size)
    known = _costs.get(key)
    if known is not None and known[0] is document:
        return known[1]
    walker, cost = _walk(document, operation_name, variables, default_page_size)
    if not walker.read_variables:
        if len(_costs) >= MAX_REMEMBERED:
            _costs.clear()
        _costs[key] = (document, cost)
    return cost


MAX_REMEMBERED = 2_000
# (id of the document, operation, page size) -> (the document, its cost): the document is kept
# so that its id cannot be reused by another while the entry lives.
_costs: dict[tuple[int, str | None, int], tuple[DocumentNode, int]] = {}


def _walk(
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    default_page_size: int,
) -> tuple["_Walker", int]:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(fragments, variables or {}, default_page_size)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for op in operations:
        if operation_name is None or (op.name is not None and op.name.value == operation_name):
            return walker, max(1, walker.cost(op.selection_set))
    return walker, 1
