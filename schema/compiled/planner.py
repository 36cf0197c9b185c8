"""Plans a GraphQL operation into one SQL statement that builds its `data` JSON (issue 15).

A plan is made once per document, operation, kind of caller (app/policy/sql.Caller) and shape
of the variables (which inputs are given, enum values, the type inside a global ID), and kept.
Values — page sizes, cursors, ids, filter values, the caller's hub and member — are bind
parameters read per request by the plan's getters. Anything without a compiled form (a field
missing from app/reads/fields.py, a directive, a fragment on another type, arguments this
module does not know) raises NotCompilable: the interpreter answers that operation. A getter
that meets a value the interpreter would refuse (a bad cursor, an ID of another type, a page
too large) raises Fallback, for the same reason.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    value_from_ast,
)
from graphql.type import GraphQLSchema

from app import ids
from app.policy import registry
from app.policy.sql import Caller, NotCompilable, literal, rule_sql
from app.policy.table import TypePolicy
from app.reads import fields as f

ROOTS = ("opportunities", "recommendedOpportunities", "node")


class Fallback(Exception):
    """This request's values are the interpreter's to answer (it gives the error)."""


@dataclass
class Run:
    """One request: its coerced variables and caller."""

    variables: dict[str, Any]
    hub_id: int
    member_id: int | None
    actor: Any
    max_page: int
    # Filled by root getters that build SQL per request (the opportunities search).
    inner: dict[int, tuple[str, list[Any]]] = field(default_factory=dict)


Getter = Callable[[Run], Any]


@dataclass
class Plan:
    sql: str  # with {inner<N>} holes for per-request SQL; a column r<N> per compiled root
    getters: list[Getter]
    inner_roots: list[Callable[[Run], tuple[str, list[Any]]]]
    keys: list[str]  # the operation's root response keys, in order
    compiled: list[str]  # those the statement answers (column r<N> for the N-th)
    # The other roots as a document for the interpreter (None: every root is compiled), and
    # the variables it uses.
    remainder: str | None = None
    remainder_variables: tuple[str, ...] = ()


@dataclass
class _Field:
    key: str
    name: str
    node: FieldNode


class Planner:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        caller: Caller,
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.caller = caller
        self.variables = variables  # the first request's: structure only, never embedded
        self.getters: list[Getter] = []
        self.inner_roots: list[Callable[[Run], tuple[str, list[Any]]]] = []
        self.flags: list[str] = []
        self.table = registry.table()
        self.aliases = 0

    # --- parameters -------------------------------------------------------------------------

    def param(self, getter: Getter, cast: str) -> str:
        self.getters.append(getter)
        return f"${len(self.getters) + 2}::{cast}"

    def arg(self, node: FieldNode, name: str) -> ValueNode | None:
        for a in node.arguments or ():
            if a.name.value == name:
                return a.value
        return None

    def arg_value(self, node: FieldNode, owner: str, name: str, variables: dict[str, Any]) -> Any:
        """The argument's value: a variable's coerced value or the literal's, as graphql-core
        gives them to resolvers (enums as their Python members, inputs as dicts)."""
        value = self.arg(node, name)
        if value is None:
            return None
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        owner_type = self.schema.get_type(owner)
        definition = getattr(owner_type, "fields", {}).get(node.name.value)
        if definition is None or name not in definition.args:
            raise NotCompilable(f"argument {name}")
        found = value_from_ast(value, definition.args[name].type, variables)
        if found is Undefined:
            raise Fallback
        return found

    def structural(self, node: FieldNode, owner: str, name: str) -> Any:
        """An argument's value at plan time, for what decides the plan's structure (literals
        are in the document; the shape of the variables is part of the plan's key)."""
        return self.arg_value(node, owner, name, self.variables)

    def alias(self, base: str) -> str:
        self.aliases += 1
        return f"{base}{self.aliases}"

    # --- selections -------------------------------------------------------------------------

    def fields_of(
        self, selection_set: SelectionSetNode | None, type_names: set[str]
    ) -> list[_Field]:
        found: list[_Field] = []
        self._collect(selection_set, type_names, found, set())
        keys = [x.key for x in found]
        if len(keys) != len(set(keys)):
            raise NotCompilable("a response key selected twice")
        return found

    def _collect(
        self,
        selection_set: SelectionSetNode | None,
        type_names: set[str],
        found: list[_Field],
        seen: set[str],
    ) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if sel.directives:
                raise NotCompilable("directives")
            if isinstance(sel, FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                found.append(_Field(key, sel.name.value, sel))
            elif isinstance(sel, InlineFragmentNode):
                condition = sel.type_condition.name.value if sel.type_condition else None
                if condition is None or condition in type_names:
                    self._collect(sel.selection_set, type_names, found, seen)
                elif condition in self.schema.type_map and condition not in ("Node",):
                    continue  # a fragment on another object type never applies here
                else:
                    raise NotCompilable(f"fragment on {condition}")
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    raise NotCompilable("fragment")
                condition = fragment.type_condition.name.value
                if condition in type_names:
                    self._collect(fragment.selection_set, type_names, found, seen | {name})
                elif condition != "Node":
                    continue
                else:
                    raise NotCompilable(f"fragment on {condition}")

    # --- objects ----------------------------------------------------------------------------

    def obj(
        self, type_name: str, alias: str, selection_set: SelectionSetNode | None, *, flags: bool
    ) -> str:
        type_sql = f.TYPES.get(type_name)
        policy = self.table.types.get(type_name)
        if type_sql is None or not isinstance(policy, TypePolicy):
            raise NotCompilable(f"type {type_name}")
        parts: list[str] = []
        for item in self.fields_of(selection_set, {type_name, "Node"}):
            parts += [
                literal(item.key),
                self.field(type_sql, policy, type_name, alias, item, flags),
            ]
        return _build_object(parts)

    def field(
        self,
        type_sql: f.TypeSQL,
        policy: TypePolicy,
        type_name: str,
        alias: str,
        item: _Field,
        flags: bool,
    ) -> str:
        if item.name == "__typename":
            return literal(type_name)
        entry = type_sql.fields.get(item.name)
        if entry is None:
            raise NotCompilable(f"{type_name}.{item.name} has no compiled form")
        if item.node.arguments and not isinstance(entry, f.Connection):
            raise NotCompilable(f"arguments of {type_name}.{item.name}")
        try:
            rule = policy.rule_of(item.name)
        except KeyError as exc:
            raise NotCompilable(f"{type_name}.{item.name} is not in the policy table") from exc
        if item.name in policy.audited:  # its reads are recorded by the interpreter's guard
            raise NotCompilable(f"{type_name}.{item.name} is an audited read")
        expr = self.value(entry, type_sql, type_name, alias, item)
        if rule is None:
            return expr
        allowed = rule_sql(rule, self.caller, type_sql.model, alias)
        if item.name in policy.deny_with_error:
            if not flags:
                raise NotCompilable(f"{type_name}.{item.name} may answer an error here")
            self.flags.append(f"NOT {allowed}")
            return expr
        if item.name in policy.masks:
            return f"(CASE WHEN {allowed} THEN {expr} ELSE {literal(policy.masks[item.name])} END)"
        return f"(CASE WHEN {allowed} THEN {expr} END)"

    def value(
        self, entry: f.FieldSQL, type_sql: f.TypeSQL, type_name: str, alias: str, item: _Field
    ) -> str:
        t = alias
        if item.node.selection_set is not None and not isinstance(
            entry, f.ToOne | f.Owned | f.ListVia | f.Connection | f.Value
        ):
            raise NotCompilable("a selection on a scalar")
        if isinstance(entry, f.Column):
            return f'{t}."{entry.name}"'
        if isinstance(entry, f.Expr):
            return entry.sql.format(t=t)
        if isinstance(entry, f.DateTimeColumn):
            return iso_datetime(f'{t}."{entry.name}"')
        if isinstance(entry, f.EnumColumn):
            return enum_name(f'{t}."{entry.name}"', entry)
        if isinstance(entry, f.GlobalId):
            return global_id(type_name, f"{t}.id")
        if isinstance(entry, f.Holds):
            return rule_sql(entry.rule, self.caller, type_sql.model, t)
        if isinstance(entry, f.Value):
            parts: list[str] = []
            for sub in self.fields_of(item.node.selection_set, {entry.type_name}):
                if sub.name == "__typename":
                    parts += [literal(sub.key), literal(entry.type_name)]
                elif sub.name in entry.fields and not sub.node.arguments:
                    parts += [literal(sub.key), entry.fields[sub.name].sql.format(t=t)]
                else:
                    raise NotCompilable(f"{entry.type_name}.{sub.name}")
            null_when = entry.null_when.format(t=t)
            return f"(CASE WHEN {null_when} THEN NULL ELSE {_build_object(parts)} END)"
        if isinstance(entry, f.ToOne):
            target = f.TYPES.get(entry.type_name)
            if target is None:
                raise NotCompilable(entry.type_name)
            s = self.alias("r")
            body = self.obj(entry.type_name, s, item.node.selection_set, flags=False)
            return (
                f'(SELECT {body} FROM "{target.table}" {s} WHERE {s}.id = {t}."{entry.fk}"'
                f" AND {s}.hub_id = $1 AND {self.see(entry.type_name, s)})"
            )
        if isinstance(entry, f.Owned):
            if not self.caller.signed_in:
                return "NULL"
            target = f.TYPES[entry.type_name]
            s = self.alias("w")
            body = self.obj(entry.type_name, s, item.node.selection_set, flags=False)
            return (
                f'(SELECT {body} FROM "{target.table}" {s} WHERE {s}.hub_id = $1'
                f' AND {s}."{entry.fk}" = {t}.id AND {s}."{entry.viewer_column}" = $2'
                f" AND {self.see(entry.type_name, s)} ORDER BY {s}.id DESC LIMIT 1)"
            )
        if isinstance(entry, f.ListVia):
            target = f.TYPES[entry.type_name]
            s, link = self.alias("s"), self.alias("k")
            body = self.obj(entry.type_name, s, item.node.selection_set, flags=False)
            link_table = entry.link._meta.db_table
            # Python sorts by str: code points, which is byte order in UTF-8 (COLLATE "C").
            return (
                f'COALESCE((SELECT json_agg({body} ORDER BY {s}."{entry.order}" COLLATE "C")'
                f' FROM "{link_table}" {link} JOIN "{target.table}" {s}'
                f' ON {s}.id = {link}."{entry.target_fk}"'
                f' WHERE {link}.hub_id = $1 AND {link}."{entry.link_fk}" = {t}.id'
                f" AND {s}.hub_id = $1 AND {self.see(entry.type_name, s)}), '[]'::json)"
            )
        if isinstance(entry, f.Connection):
            return self.nested_connection(entry, t, item, type_name)
        raise NotCompilable(str(entry))

    def see(self, type_name: str, alias: str) -> str:
        policy = self.table.types.get(type_name)
        type_sql = f.TYPES.get(type_name)
        if not isinstance(policy, TypePolicy) or type_sql is None:
            raise NotCompilable(type_name)
        return rule_sql(policy.see, self.caller, type_sql.model, alias)

    # --- connections ------------------------------------------------------------------------

    def page(self, node: FieldNode, owner: str) -> tuple[str, str]:
        """Parameters (start, expected) of `first`/`after`, as schema/relay.Page reads them;
        `last` and `before` are the interpreter's."""
        for name in ("last", "before"):
            if self.structural(node, owner, name) is not None:
                raise NotCompilable(f"`{name}`")

        def start(run: Run) -> int:
            for name in ("last", "before"):
                if self.arg_value(node, owner, name, run.variables) is not None:
                    raise Fallback
            after = self.arg_value(node, owner, "after", run.variables)
            return 0 if after is None else _offset(after) + 1

        def expected(run: Run) -> int:
            first = self.arg_value(node, owner, "first", run.variables)
            if first is None:
                return run.max_page
            if not isinstance(first, int) or isinstance(first, bool):
                raise Fallback
            if not 0 <= first <= run.max_page:
                raise Fallback
            return first

        return self.param(start, "int"), self.param(expected, "int")

    def connection(
        self, type_name: str, rows_sql: str, node: FieldNode, owner: str, start: str, expected: str
    ) -> str:
        """`rows_sql` yields the page's rows (alias `c`, with `rn` from 1) in order."""
        owner_type: Any = self.schema.get_type(owner)
        page_type: Any = get_named_type(owner_type.fields[node.name.value].type)
        page_name = page_type.name
        edge_name = get_named_type(page_type.fields["edges"].type).name
        parts: list[str] = []
        for item in self.fields_of(node.selection_set, {page_name}):
            if item.name == "__typename":
                parts += [literal(item.key), literal(page_name)]
            elif item.name == "edges":
                edge_parts: list[str] = []
                for sub in self.fields_of(item.node.selection_set, {edge_name}):
                    if sub.name == "__typename":
                        edge_parts += [literal(sub.key), literal(edge_name)]
                    elif sub.name == "cursor":
                        edge_parts += [literal(sub.key), cursor(f"{start} + c.rn - 1")]
                    elif sub.name == "node":
                        body = self.obj(type_name, "c", sub.node.selection_set, flags=False)
                        edge_parts += [literal(sub.key), body]
                    else:
                        raise NotCompilable(f"{edge_name}.{sub.name}")
                edges = (
                    f"COALESCE(json_agg({_build_object(edge_parts)} ORDER BY c.rn)"
                    f" FILTER (WHERE c.rn <= {expected}), '[]'::json)"
                )
                parts += [literal(item.key), edges]
            elif item.name == "pageInfo":
                parts += [literal(item.key), self.page_info(item.node, start, expected)]
            else:
                raise NotCompilable(f"connection field {item.name}")
        # One row even when only constants are asked for (HAVING makes it one group).
        return f"(SELECT {_build_object(parts)} FROM ({rows_sql}) c HAVING TRUE)"

    def page_info(self, node: FieldNode, start: str, expected: str) -> str:
        shown = f"LEAST(count(*), {expected})"
        values = {
            "hasNextPage": f"(count(*) > {expected})",
            "hasPreviousPage": f"({start} > 0)",
            "startCursor": f"(CASE WHEN {shown} > 0 THEN {cursor(start)} END)",
            "endCursor": f"(CASE WHEN {shown} > 0 THEN {cursor(f'{start} + {shown} - 1')} END)",
            "__typename": literal("PageInfo"),
        }
        parts: list[str] = []
        for item in self.fields_of(node.selection_set, {"PageInfo"}):
            if item.name not in values:
                raise NotCompilable(f"PageInfo.{item.name}")
            parts += [literal(item.key), values[item.name]]
        return _build_object(parts)

    def nested_connection(self, entry: f.Connection, parent: str, item: _Field, owner: str) -> str:
        allowed_args = {"first", "after", "last", "before", *entry.filters}
        for a in item.node.arguments or ():
            if a.name.value not in allowed_args:
                raise NotCompilable(f"argument {a.name.value}")
        target = f.TYPES[entry.type_name]
        start, expected = self.page(item.node, owner)
        s = self.alias("n")
        where = [
            f"{s}.hub_id = $1",
            f'{s}."{entry.fk}" = {parent}.id',
            self.see(entry.type_name, s),
        ]
        for arg_name, column in entry.filters.items():
            if self.structural(item.node, owner, arg_name) is None:
                continue

            def value(
                run: Run,
                arg_name: str = arg_name,
                column: f.EnumColumn = column,
                node: FieldNode = item.node,
            ) -> Any:
                found = self.arg_value(node, owner, arg_name, run.variables)
                if found is None:
                    raise Fallback  # the plan's shape said it was given
                return column.enum(found).value

            where.append(f'{s}."{column.name}" = {self.param(value, "text")}')
        order = entry.order.format(t=s)
        rows = (
            f"SELECT q.*, row_number() OVER () AS rn FROM (SELECT {s}.* FROM"
            f' "{target.table}" {s} WHERE {" AND ".join(where)} ORDER BY {order}'
            f" LIMIT {expected} + 1 OFFSET {start}) q"
        )
        return self.connection(entry.type_name, rows, item.node, owner, start, expected)


# --- SQL forms of the API's scalars --------------------------------------------------------


def iso_datetime(expr: str) -> str:
    """A timestamptz as Python's isoformat() of the UTC datetime Tortoise returns."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN"
        f" date_part('microseconds', {utc})::bigint % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || '+00:00')"
    )


def enum_name(expr: str, entry: f.EnumColumn) -> str:
    cases = " ".join(f"WHEN {literal(m.value)} THEN {literal(m.name)}" for m in entry.enum)
    return f"(CASE {expr} {cases} END)"


def global_id(type_name: str, id_expr: str) -> str:
    return (
        f"translate(encode(convert_to({literal(type_name + ':')} || {id_expr}::text, 'UTF8'),"
        " 'base64'), E'\\n', '')"
    )


def cursor(offset_expr: str) -> str:
    return (
        f"translate(encode(convert_to('arrayconnection:' || ({offset_expr})::text, 'UTF8'),"
        " 'base64'), E'\\n', '')"
    )


def _build_object(parts: list[str]) -> str:
    if len(parts) > 100:  # json_build_object takes at most 100 arguments
        raise NotCompilable("more than 50 fields in one object")
    return f"json_build_object({', '.join(parts)})"


def _offset(after: Any) -> int:
    from schema.errors import BadInput
    from schema.relay import _check_cursor

    if not isinstance(after, str):
        raise Fallback
    try:
        _check_cursor(after)
    except BadInput as exc:
        raise Fallback from exc
    return int(ids.base64.b64decode(after).decode().partition(":")[2])


# --- root fields ------------------------------------------------------------------------------


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
            columns.append(f"({_root(planner, item)})::text AS r{len(compiled)}")
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


def _root(planner: Planner, item: _Field) -> str:
    if item.name == "__typename":
        return f"to_json({literal('Query')}::text)"
    entry = planner.table.queries.get(item.name)
    if item.name not in ROOTS or entry is None:
        raise NotCompilable(f"root {item.name}")
    if rule_sql(entry.who, planner.caller, f.TYPES["Opportunity"].model, "x") != "TRUE":
        raise NotCompilable(f"{item.name} answers this caller with an error")
    if item.name == "opportunities":
        return _root_opportunities(planner, item)
    if item.name == "recommendedOpportunities":
        return _root_recommended(planner, item)
    return _root_node(planner, item)


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


OPPORTUNITIES_ARGS = {"filter", "sort", "first", "after", "last", "before"}


def _root_opportunities(planner: Planner, item: _Field) -> str:
    for a in item.node.arguments or ():
        if a.name.value not in OPPORTUNITIES_ARGS:
            raise NotCompilable(f"argument {a.name.value}")
    start, expected = planner.page(item.node, "Query")
    node, index = item.node, len(planner.inner_roots)

    def inner(run: Run) -> tuple[str, list[Any]]:
        from app.errors import DomainError
        from app.opportunities import search

        raw = planner.arg_value(node, "Query", "filter", run.variables)
        sort = planner.arg_value(node, "Query", "sort", run.variables) or search.Sort.NEWEST
        try:
            data = _filter_input(raw)
            results = search.search(
                hub_id=run.hub_id,
                filters=_filters(data),
                sort=search.Sort(sort),
                actor=run.actor,
                near_home=bool(data and data.near_home),
            )
        except (DomainError, ValueError, TypeError) as exc:
            raise Fallback from exc
        return results.sql, results.params

    def caller_free(run: Run) -> bool:
        """Whether the SQL depends on the hub and the variables only (not near the home)."""
        raw = planner.arg_value(node, "Query", "filter", run.variables)
        return not (isinstance(raw, dict) and raw.get("nearHome"))

    inner.caller_free = caller_free  # type: ignore[attr-defined]
    planner.inner_roots.append(inner)
    see = planner.see("Opportunity", "c0")
    rows = (
        "SELECT c0.*, page.rn FROM (SELECT q.id, row_number() OVER () AS rn FROM"
        f" ({{inner{index}}} LIMIT {expected} + 1 OFFSET {start}) q) page"
        f" JOIN opportunity c0 ON c0.id = page.id AND c0.hub_id = $1 AND {see}"
    )
    return planner.connection("Opportunity", rows, item.node, "Query", start, expected)


PAGE_ARGS = {"first", "after", "last", "before"}


def _root_recommended(planner: Planner, item: _Field) -> str:
    """The signed-in member's feed (app/opportunities/feed.py builds its ids in rank order)."""
    for a in item.node.arguments or ():
        if a.name.value not in PAGE_ARGS:
            raise NotCompilable(f"argument {a.name.value}")
    if not planner.caller.signed_in:
        raise NotCompilable("the feed is the signed-in member's")
    start, expected = planner.page(item.node, "Query")
    index = len(planner.inner_roots)

    def inner(run: Run) -> tuple[str, list[Any]]:
        from app.opportunities import feed

        if run.actor is None:
            raise Fallback
        results = feed.build(actor=run.actor)
        # At most MAX_FEED, as the interpreter's slice of feed.Results.
        return f"SELECT * FROM ({results.sql} LIMIT {results.stop}) feed", results.params

    planner.inner_roots.append(inner)
    see = planner.see("Opportunity", "c0")
    rows = (
        "SELECT c0.*, page.rn FROM (SELECT q.id, row_number() OVER () AS rn FROM"
        f" ({{inner{index}}} LIMIT {expected} + 1 OFFSET {start}) q) page"
        f" JOIN opportunity c0 ON c0.id = page.id AND c0.hub_id = $1 AND {see}"
    )
    return planner.connection("Opportunity", rows, item.node, "Query", start, expected)


def _filter_input(raw: Any) -> Any:
    """The coerced `filter` argument as the resolver receives it (OpportunityFilter)."""
    from schema.opportunities.inputs import LocationInput
    from schema.opportunities.queries import OpportunityFilter

    if raw is None:
        return None
    names = {_snake(k): v for k, v in raw.items()}
    if names.get("near") is not None:
        names["near"] = LocationInput(**{_snake(k): v for k, v in names["near"].items()})
    return OpportunityFilter(**names)


def _filters(data: Any) -> Any:
    from schema.opportunities.queries import _filters as resolver_filters

    return resolver_filters(data)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _root_node(planner: Planner, item: _Field) -> str:
    for a in item.node.arguments or ():
        if a.name.value != "id":
            raise NotCompilable(f"argument {a.name.value}")
    given = planner.structural(item.node, "Query", "id")
    try:
        type_name, _ = ids.parse(given) if isinstance(given, str) else ("", "")
    except ValueError as exc:
        raise NotCompilable("not a global ID") from exc
    type_sql = f.TYPES.get(type_name)
    if type_sql is None:
        raise NotCompilable(f"node of type {type_name!r}")
    node = item.node

    def pk(run: Run) -> int:
        value = planner.arg_value(node, "Query", "id", run.variables)
        try:
            found, node_id = ids.parse(value)
            if found != type_name:
                raise Fallback
            return ids.db_id(node_id)
        except (ValueError, TypeError, AttributeError) as exc:
            raise Fallback from exc

    key = planner.param(pk, "bigint")
    before = len(planner.flags)
    body = planner.obj(type_name, "d0", item.node.selection_set, flags=True)
    found = (
        f'FROM "{type_sql.table}" d0 WHERE d0.id = {key} AND d0.hub_id = $1'
        f" AND {planner.see(type_name, 'd0')}"
    )
    new_flags = planner.flags[before:]
    if new_flags:
        del planner.flags[before:]
        planner.flags.append(f"(SELECT {' OR '.join(new_flags)} {found})")
    return f"(SELECT {body} {found})"
