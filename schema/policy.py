"""The policy table, enforced on the built schema: deny by default.

Every object type, field, query, mutation and subscription of the schema must have an entry in
`app.policy` (connection, edge, payload and error types are shapes, not data: what they carry
is checked where it is a row). The schema refuses to build otherwise. Then every field is
guarded where the table asks:
- a field with its own rule answers only to whom the rule allows (else null, a mask, or an
  error);
- a field whose value is a row of a type with an entry — a Node, a nested relation, an edge of
  a connection, a mutation payload's object, `node(id:)` — gives back only rows the viewer may
  see in their hub, so a relation can never bypass its target's rule;
- queries, mutations and subscriptions check who may call them before they run.
Fields with nothing to check keep their resolver untouched (no cost).
"""

import asyncio
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
)
from tortoise.models import Model

from app.errors import AccessDenied, NotAuthenticated
from app.i18n import _
from app.policy import registry
from app.policy.rules import Rule
from app.policy.table import AuditedRead, OperationPolicy, TypePolicy, ValuePolicy
from schema.audit.reads import note_private_read
from schema.context import Context

Resolve = Callable[..., Any]


class PolicyGap(Exception):
    """The schema serves something the policy table does not cover."""


def enforce(schema: strawberry.Schema) -> None:
    """Guards every field of `schema` by the policy table; PolicyGap lists what is missing."""
    enforcer = _Enforcer(schema)
    problems = enforcer.run()
    if problems:
        raise PolicyGap("No policy entry (deny by default):\n  " + "\n  ".join(problems))
    for guard in enforcer.guards:  # only once the whole table is known to cover the schema
        guard()


async def holds(info: Any, rule: Rule, row: Any) -> bool:
    """Whether `rule` holds for the viewer and `row` (batched with the request's checks)."""
    ctx: Context = info.context
    quick = rule.quick(ctx.viewer, row)
    if quick is not None:
        return quick
    return bool(await ctx.loaders.checks(rule, ctx.viewer).load(row))


def _denied(ctx: Context, what: str) -> AccessDenied:
    if ctx.actor is None:
        return ctx.auth_error or NotAuthenticated()
    return AccessDenied(_("You may not see {what}.", what=what))


class _Rows:
    """Filters a field's value (a row, a list of rows, or None) to the rows the viewer sees."""

    def __init__(self, policy: TypePolicy | None, *, non_null: bool, many: bool, what: str):
        self.policy = policy  # None: each row's own type decides (an interface or a union)
        self.non_null = non_null
        self.many = many
        self.what = what

    def apply(self, ctx: Context, value: Any) -> Any:
        if _pending(value):
            return self._after(ctx, value)
        rows = list(value) if self.many else [value]
        if not any(r is not None for r in rows):
            return value
        verdicts = [self._quick(ctx, r) for r in rows]
        if any(v is None for v in verdicts):
            return self._checked(ctx, rows, verdicts)
        return self._keep(ctx, rows, verdicts)

    async def _after(self, ctx: Context, pending: Any) -> Any:
        value = self.apply(ctx, await pending)
        return await value if _pending(value) else value

    async def _checked(self, ctx: Context, rows: list[Any], verdicts: list[bool | None]) -> Any:
        # All loads in one tick, so a list's rows are checked in one batch (one query per rule).
        undecided = [i for i, verdict in enumerate(verdicts) if verdict is None]
        answers = await asyncio.gather(
            *(
                ctx.loaders.checks(self._policy_of(rows[i]).see, ctx.viewer).load(rows[i])  # type: ignore[union-attr]
                for i in undecided
            )
        )
        for i, ok in zip(undecided, answers, strict=True):
            verdicts[i] = ok
        return self._keep(ctx, rows, verdicts)

    def _keep(self, ctx: Context, rows: list[Any], verdicts: list[bool | None]) -> Any:
        if self.many:
            return [r for r, ok in zip(rows, verdicts, strict=True) if ok]
        if verdicts[0]:
            return rows[0]
        if self.non_null:
            raise _denied(ctx, self.what)
        return None

    def _policy_of(self, row: Any) -> TypePolicy | None:
        if self.policy is not None:
            return self.policy
        return registry.table().by_model.get(type(row))

    def _quick(self, ctx: Context, row: Any) -> bool | None:
        if row is None:
            return not self.many
        if self.policy is None and not isinstance(row, Model):
            return True  # a value object in a union: the field that returns it guards it
        policy = self._policy_of(row)
        if policy is None or not isinstance(row, Model):
            return False  # a row the table does not know: not served
        viewer = ctx.viewer
        if hasattr(row, "hub_id") and row.hub_id != viewer.hub_id:
            return False
        return policy.see.quick(viewer, row)


def _guard_field(
    field: GraphQLField,
    *,
    rule: Rule | None,
    deny: Callable[[Context], Any],
    rows: _Rows | None,
    audited: AuditedRead | None = None,
    what: str = "",
) -> None:
    resolve: Resolve = field.resolve  # type: ignore[assignment]

    def serve(source: Any, info: GraphQLResolveInfo, args: dict[str, Any]) -> Any:
        value = resolve(source, info, **args)
        return value if rows is None else rows.apply(info.context, value)

    async def recorded(source: Any, info: GraphQLResolveInfo, args: dict[str, Any]) -> Any:
        value = serve(source, info, args)
        # Side by side, so that neither the field's loader nor the audit's splits the other's batch.
        pending = value if _pending(value) else _ready(value)
        subject = getattr(source, audited.subject)  # type: ignore[union-attr]
        served, _ = await asyncio.gather(pending, note_private_read(info.context, what, subject))
        return served

    async def decide(source: Any, info: GraphQLResolveInfo, args: dict[str, Any]) -> Any:
        assert audited is not None
        if await audited.by.allows(info.context.viewer, source):
            return await recorded(source, info, args)
        value = serve(source, info, args)
        return await value if _pending(value) else value

    def finish(source: Any, info: GraphQLResolveInfo, args: dict[str, Any]) -> Any:
        if audited is not None:
            by = audited.by.quick(info.context.viewer, source)
            if by is None:  # the clause needs a query to say
                return decide(source, info, args)
            if by:
                return recorded(source, info, args)
        return serve(source, info, args)

    async def slow(source: Any, info: GraphQLResolveInfo, args: dict[str, Any]) -> Any:
        ctx: Context = info.context
        if not await ctx.loaders.checks(rule, ctx.viewer).load(source):  # type: ignore[arg-type]
            return deny(ctx)
        value = finish(source, info, args)
        return await value if _pending(value) else value

    def guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if rule is not None:
            ctx: Context = info.context
            ok = rule.quick(ctx.viewer, source)
            if ok is None:
                return slow(source, info, args)
            if not ok:
                return deny(ctx)
        return finish(source, info, args)

    field.resolve = guarded


class _Enforcer:
    def __init__(self, schema: strawberry.Schema) -> None:
        self.schema = schema
        self.gs: GraphQLSchema = schema._schema
        self.table = registry.table()
        self.problems: list[str] = []
        self.guards: list[Callable[[], None]] = []
        mutation = self.gs.mutation_type
        self.payloads = (
            {get_named_type(f.type).name for f in mutation.fields.values()} if mutation else set()
        )

    def run(self) -> list[str]:
        operations = {
            self.gs.query_type: self.table.queries,
            self.gs.mutation_type: self.table.mutations,
            self.gs.subscription_type: self.table.subscriptions,
        }
        seen: set[str] = set()
        for name, gtype in self.gs.type_map.items():
            if not isinstance(gtype, GraphQLObjectType) or name.startswith("__"):
                continue
            seen.add(name)
            if gtype in operations:
                self._operations(gtype, operations[gtype])
            elif self._is_shape(gtype):
                self._fields(gtype, None)
            elif name not in self.table.types:
                self.problems.append(f"type {name}")
            else:
                self._fields(gtype, self.table.types[name])
        self._stale(seen, operations)
        return sorted(self.problems)

    def _is_shape(self, gtype: GraphQLObjectType) -> bool:
        """Connections, edges, page info, mutation payloads and their error types."""
        names = set(gtype.fields)
        return (
            gtype.name == "PageInfo"
            or names == {"pageInfo", "edges"}
            or names == {"cursor", "node"}
            or gtype.name in self.payloads
            or names == {"code", "field", "message"}
        )

    def _fields(self, gtype: GraphQLObjectType, entry: TypePolicy | ValuePolicy | None) -> None:
        policy = entry if isinstance(entry, TypePolicy) else None
        if policy is not None:
            listed = policy.public | set(policy.fields) | set(policy.audited)
            for extra in sorted(listed - set(gtype.fields)):
                self.problems.append(f"{gtype.name}.{extra} is in the table but not the schema")
        for fname, field in gtype.fields.items():
            rule = None
            if policy is not None:
                try:
                    rule = policy.rule_of(fname)
                except KeyError:
                    self.problems.append(f"field {gtype.name}.{fname}")
                    continue
            deny = self._deny(gtype.name, fname, field, policy) if rule else _nothing
            what = f"{gtype.name}.{fname}"
            rows = self._rows(field, what)
            audited = policy.audited.get(fname) if policy is not None else None
            self.guards.append(
                partial(
                    _guard_field, field, rule=rule, deny=deny, rows=rows, audited=audited, what=what
                )
            )

    def _deny(
        self, type_name: str, fname: str, field: GraphQLField, policy: TypePolicy | None
    ) -> Callable[[Context], Any]:
        assert policy is not None
        what = f"{type_name}.{fname}"
        if fname in policy.deny_with_error:

            def refuse(ctx: Context) -> Any:
                raise _denied(ctx, what)

            return refuse
        if fname in policy.masks:
            mask = policy.masks[fname]
            return lambda ctx: mask
        if is_non_null_type(field.type):
            self.problems.append(f"{what} is non-null: give it a mask or deny_with_error")
        return _nothing

    def _rows(self, field: GraphQLField, what: str) -> _Rows | None:
        inner = get_nullable_type(field.type)
        many = is_list_type(inner)
        named = get_named_type(field.type)
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            policy = None
        else:
            entry = self.table.types.get(named.name)
            if not isinstance(entry, TypePolicy):
                return None
            policy = entry
        return _Rows(policy, non_null=is_non_null_type(field.type), many=many, what=what)

    def _operations(self, gtype: GraphQLObjectType, entries: dict[str, OperationPolicy]) -> None:
        is_mutation = gtype is self.gs.mutation_type
        for fname, field in gtype.fields.items():
            entry = entries.get(fname)
            if entry is None:
                self.problems.append(f"{gtype.name.lower()} {fname}")
                continue
            rows = self._rows(field, fname)
            forbid = self._forbidden_payload(fname) if is_mutation else None
            if is_mutation and forbid is None and not _only_sign_in(entry):
                self.problems.append(f"mutation {fname} cannot answer FORBIDDEN (errors_as_data)")
            self.guards.append(partial(_guard_operation, field, entry, rows, forbid))

    def _forbidden_payload(self, fname: str) -> Callable[[str], Any] | None:
        definition = self.schema.get_type_by_name("Mutation")
        for field in getattr(definition, "fields", []):
            if self.schema.config.name_converter.get_graphql_name(field) == fname:
                resolver = field.base_resolver
                return getattr(resolver.wrapped_func, "forbidden", None) if resolver else None
        return None

    def _stale(self, seen: set[str], operations: dict[Any, dict[str, OperationPolicy]]) -> None:
        for name in sorted(set(self.table.types) - seen):
            self.problems.append(f"type {name} is in the table but not the schema")
        for gtype, entries in operations.items():
            fields = gtype.fields if gtype is not None else {}
            for name in sorted(set(entries) - set(fields)):
                self.problems.append(f"operation {name} is in the table but not the schema")


def _pending(value: Any) -> bool:
    """An awaitable still to resolve (Tortoise rows are awaitable themselves: not those)."""
    return not isinstance(value, Model) and inspect.isawaitable(value)


async def _ready(value: Any) -> Any:
    return value


def _nothing(ctx: Context) -> None:
    return None


def _only_sign_in(entry: OperationPolicy) -> bool:
    """Its `who` can only refuse anonymous callers (never a signed-in one)."""
    return entry.who.name in ("anyone", "signed_in", "signed_in_or_guest")


def _guard_operation(
    field: GraphQLField,
    entry: OperationPolicy,
    rows: _Rows | None,
    forbid: Callable[[str], Any] | None,
) -> None:
    """Checks the caller before the operation runs, and filters the rows it returns."""
    resolve: Resolve = field.resolve  # type: ignore[assignment]
    who = entry.who

    def guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        ctx: Context = info.context
        if ctx.viewer.guest and not entry.guests:  # deny by default: guests call what is marked
            refusal = _("{name} is not open to guests of this hub.", name=entry.name)
            if forbid is not None:
                return forbid(refusal)
            raise AccessDenied(refusal)
        if not who.quick(ctx.viewer, None):
            if ctx.actor is None:
                raise ctx.auth_error or NotAuthenticated()
            message = f"{entry.name} needs: {who.name.replace('role:', 'role ')}."
            if forbid is not None:
                return forbid(message)
            raise AccessDenied(message)
        value = resolve(source, info, **args)
        return value if rows is None else rows.apply(ctx, value)

    field.resolve = guarded
    if field.subscribe is not None:  # a subscription: refuse it before it opens
        subscribe = field.subscribe

        def subscribe_guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            ctx: Context = info.context
            if ctx.viewer.guest and not entry.guests:
                raise AccessDenied(_("{name} is not open to guests of this hub.", name=entry.name))
            # An anonymous socket is left to the subscription, which signs in from
            # connection_init itself (schema/matching/subscriptions.py) or refuses.
            if ctx.actor is not None and not who.quick(ctx.viewer, None):
                rule = who.name.replace("role:", "role ")
                raise AccessDenied(_("{name} needs: {rule}.", name=entry.name, rule=rule))
            return subscribe(source, info, **args)

        field.subscribe = subscribe_guarded
