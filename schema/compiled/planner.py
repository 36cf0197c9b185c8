"""Compiles a GraphQL operation's selections into SQL expressions (issue 15): objects, fields
under the policy table's rules, connections. plans.py makes of them one SQL statement that
builds the operation's `data` JSON; roots.py compiles the root fields.

A plan is made once per document, operation, kind of caller (app/policy/sql.Caller) and shape
of the variables (which inputs are given, enum values, the type inside a global ID), and kept.
Values — page sizes, cursors, ids, filter values, the caller's hub and member — are bind
parameters read per request by the plan's getters. Anything without a compiled form (a field
missing from app/reads/fields.py, a directive, a fragment on another type, arguments this
module does not know) raises NotCompilable: the interpreter answers that operation. A getter
that meets a value the interpreter would refuse (a bad cursor, an ID of another type, a page
too large) raises Fallback, for the same reason.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
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
from schema.compiled.forms import build_object, cursor, enum_name, global_id, iso_datetime


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
class Selected:
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
    ) -> list[Selected]:
        found: list[Selected] = []
        self._collect(selection_set, type_names, found, set())
        keys = [x.key for x in found]
        if len(keys) != len(set(keys)):
            raise NotCompilable("a response key selected twice")
        return found

    def _collect(
        self,
        selection_set: SelectionSetNode | None,
        type_names: set[str],
        found: list[Selected],
        seen: set[str],
    ) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if sel.directives:
                raise NotCompilable("directives")
            if isinstance(sel, FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                found.append(Selected(key, sel.name.value, sel))
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
        return build_object(parts)

    def field(
        self,
        type_sql: f.TypeSQL,
        policy: TypePolicy,
        type_name: str,
        alias: str,
        item: Selected,
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
        self, entry: f.FieldSQL, type_sql: f.TypeSQL, type_name: str, alias: str, item: Selected
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
            return f"(CASE WHEN {null_when} THEN NULL ELSE {build_object(parts)} END)"
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
                    f"COALESCE(json_agg({build_object(edge_parts)} ORDER BY c.rn)"
                    f" FILTER (WHERE c.rn <= {expected}), '[]'::json)"
                )
                parts += [literal(item.key), edges]
            elif item.name == "pageInfo":
                parts += [literal(item.key), self.page_info(item.node, start, expected)]
            else:
                raise NotCompilable(f"connection field {item.name}")
        # One row even when only constants are asked for (HAVING makes it one group).
        return f"(SELECT {build_object(parts)} FROM ({rows_sql}) c HAVING TRUE)"

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
        return build_object(parts)

    def nested_connection(
        self, entry: f.Connection, parent: str, item: Selected, owner: str
    ) -> str:
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
