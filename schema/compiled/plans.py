"""The plan of an operation (issue 15): its compilable root fields as one statement, the rest
as a smaller document for the interpreter. schema/compiled/planner.py compiles the fields,
roots.py the root fields; schema/compiled/runner.py keeps the plans and runs them."""

import re
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
)
from graphql.type import GraphQLSchema

from app.policy.sql import Caller, NotCompilable
from schema.compiled.planner import Plan, Planner
from schema.compiled.roots import root


def plan(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    caller: Caller,
    variables: dict[str, Any],
) -> Plan:
    """The operation's compilable root fields as one statement (a JSON text column per root,
    and `fallback`: a field would answer an error here, so the interpreter must answer); the
    other root fields as a smaller document for the interpreter."""
    if operation.operation != OperationType.QUERY or operation.directives:
        raise NotCompilable("not a query")
    planner = Planner(schema, operation, fragments, caller, variables)
    items = planner.fields_of(operation.selection_set, {"Query"})
    plain_roots = all(isinstance(s, FieldNode) for s in operation.selection_set.selections)
    columns: list[str] = []
    compiled: list[str] = []
    compiled_nodes: list[FieldNode] = []
    rest: list[FieldNode] = []
    for item in items:
        marks = (len(planner.getters), len(planner.inner_roots), len(planner.flags))
        try:
            columns.append(f"({root(planner, item)})::text AS r{len(compiled)}")
            compiled.append(item.key)
            compiled_nodes.append(item.node)
        except NotCompilable:
            if not plain_roots:
                raise
            del planner.getters[marks[0] :], planner.inner_roots[marks[1] :]
            del planner.flags[marks[2] :]
            rest.append(item.node)
    if not compiled:
        raise NotCompilable("no root field has a compiled form")
    flags = " OR ".join(f"COALESCE({flag}, FALSE)" for flag in planner.flags) or "FALSE"
    sql = (
        f"SELECT {', '.join(columns)}, ({flags}) AS fallback"
        " FROM (SELECT $1::bigint AS hub, $2::bigint AS member) caller"
    )
    sql = as_init_plans(sql)
    made = Plan(sql, planner.getters, planner.inner_roots, [i.key for i in items], compiled)
    if rest:
        made.remainder, made.remainder_variables = _remainder(
            operation, fragments, rest, compiled_nodes
        )
    return made


_PARAM = re.compile(r"\$(\d+)(?:::([a-z0-9_]+(?:\[\])?))?")


def as_init_plans(sql: str) -> str:
    """Every parameter of the plan's own text as an InitPlan, `(SELECT $n::type)` ($1 and $2,
    the caller's hub and member, are bigint; the others carry their cast).

    PostgreSQL then plans the statement the same whatever the values (its estimates cannot
    see them: a page of 20 is not cheaper than a page of 100), so after the five custom
    plans of a prepared statement it keeps the generic one (plan_cache_mode auto) instead of
    planning every request again: with plain parameters the list's statement was planned
    anew each time (0 generic / 320 custom plans on one connection), ~0.8 ms of its ~1.3 ms
    in PostgreSQL. Index scans still use the values as index conditions. The inner roots'
    SQL (the search, the feed) is left as its builders made it."""
    return _PARAM.sub(lambda m: f"(SELECT ${m.group(1)}::{m.group(2) or 'bigint'})", sql)


def _remainder(
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    roots: list[FieldNode],
    compiled: list[FieldNode],
) -> tuple[str, tuple[str, ...]]:
    """The document with only `roots` for the interpreter, and the variables it uses.

    What the interpreter must not see (the compiled root fields, fragments and variable
    definitions only they use, other operations) is blanked out with spaces, newlines kept:
    its errors then name the lines and columns of the document the client sent."""
    assert operation.loc is not None
    text = list(operation.loc.source.body)

    def blank(begin: int, end: int) -> None:
        for i in range(begin, end):
            if text[i] not in "\r\n":
                text[i] = " "

    used_fragments: set[str] = set()
    used_variables: set[str] = set()
    stack: list[Node] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, VariableNode):
            used_variables.add(node.name.value)
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name not in used_fragments and name in fragments:
                used_fragments.add(name)
                stack.append(fragments[name])
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(v for v in value if isinstance(v, Node))
    for field_node in compiled:
        assert field_node.loc is not None
        blank(field_node.loc.start, field_node.loc.end)
    document = operation.loc.source.body
    for definition in _definitions(document):
        if definition.loc is None or definition.loc.start == operation.loc.start:
            continue
        if (
            isinstance(definition, FragmentDefinitionNode)
            and definition.name.value in used_fragments
        ):
            continue
        blank(definition.loc.start, definition.loc.end)
    definitions = operation.variable_definitions or ()
    kept = [d for d in definitions if d.variable.name.value in used_variables]
    if definitions and not kept:  # no parentheses left: blank from after the name
        after = operation.name.loc.end if operation.name and operation.name.loc else None
        if after is None:
            after = operation.loc.start + len(operation.operation.value)
        assert operation.selection_set.loc is not None
        blank(after, operation.selection_set.loc.start)
    else:
        for d in definitions:
            if d.variable.name.value not in used_variables and d.loc is not None:
                blank(d.loc.start, d.loc.end)
    return "".join(text), tuple(sorted(used_variables))


def _definitions(document: str) -> tuple[Any, ...]:
    from graphql import parse

    return tuple(parse(document).definitions)
