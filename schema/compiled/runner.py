"""Runs compiled operations (schema/compiled/plans.py) in place of the interpreter.

`answer()` returns the ExecutionResult of an operation it could run compiled, or None: then
the interpreter runs it, as before. It answers only what is certain to succeed the same way:
a document that parses within the token limit and validates with the schema's rules and
limits (depth, aliases), cost within the limit, variables that coerce, a caller who is not
refused, and values the interpreter would accept. Every error is the interpreter's to give.
"""

import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.types import ExecutionResult
from tortoise import Tortoise

from app import ids
from app.config import get_settings
from app.faults import is_transient
from app.metrics import GRAPHQL_OPERATIONS
from app.policy.sql import Caller, NotCompilable
from schema.compiled import for_the_interpreter, planner, plans
from schema.cost import _Walker
from schema.scalars import unstorable

log = logging.getLogger(__name__)

MAX_PLANS = 2_000
MAX_DOCUMENTS = 1_000
MAX_PREPARED = 4_000
_PARAM = re.compile(r"\$(\d+)")

_plans: "OrderedDict[Hashable, planner.Plan | None]" = OrderedDict()
_documents: "OrderedDict[str, tuple[DocumentNode, dict[str, FragmentDefinitionNode]] | None]" = (
    OrderedDict()
)


_prepared: "OrderedDict[Hashable, tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode], dict[str, Any]] | None]" = OrderedDict()  # noqa: E501
_inner_sql: "OrderedDict[Hashable, tuple[str, tuple[Any, ...]]]" = OrderedDict()


def forget_plans() -> None:
    _plans.clear()
    _documents.clear()
    _prepared.clear()
    _inner_sql.clear()


async def answer(
    schema: Any,
    query: str | None,
    operation_name: str | None,
    variables: Any,
    context: Any,
    *,
    whole_only: bool = False,
) -> "ExecutionResult | Partial | None":
    """The compiled answer, or the part of it the plan covers (Partial), or None for the
    interpreter. With `whole_only`, a plan that leaves root fields to the interpreter is not
    run at all (the caller answers the whole request again, and must not run it twice)."""
    settings = get_settings()
    if not settings.compile_reads or query is None or for_the_interpreter(context):
        return None
    if unstorable(query):
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    prepared = _prepare(schema, query, operation_name, variables, settings)
    if prepared is None:
        return None
    operation, fragments, coerced = prepared
    raw = variables or {}
    actor = context.actor
    caller = Caller(signed_in=actor is not None, roles=actor.roles if actor else frozenset())
    key = (query, operation_name, caller, shape(coerced))
    plan = _plan(schema, key, operation, fragments, caller, coerced)
    if plan is None or (whole_only and plan.remainder is not None):
        return None
    run = planner.Run(
        variables=coerced,
        hub_id=context.hub_id,
        member_id=actor.member_id if actor else None,
        actor=actor,
        max_page=settings.max_page_size,
    )
    try:
        params: list[Any] = [run.hub_id, run.member_id] + [g(run) for g in plan.getters]
        sql = plan.sql
        for index, inner in enumerate(plan.inner_roots):
            text, values = _inner(inner, run)
            text = _renumber(text, len(params))
            sql = sql.replace(f"{{inner{index}}}", text)
            params += values
    except planner.Fallback:
        return None
    connection = Tortoise.get_connection("default")
    try:
        rows = await connection.execute_query_dict(sql, params)
    except Exception as exc:
        if is_transient(exc):  # answered like the interpreter's (SERVICE_UNAVAILABLE)
            raise
        # A plan PostgreSQL refuses is a bug of the compiler: never the client's problem.
        log.exception("compiled statement failed; answering with the interpreter")
        _plans[key] = None
        return None
    if not rows or rows[0]["fallback"]:
        return None
    row = rows[0]
    parts = {
        name: None if row[f"r{n}"] is None else orjson.Fragment(row[f"r{n}"].encode())
        for n, name in enumerate(plan.compiled)
    }
    if plan.remainder is None:
        GRAPHQL_OPERATIONS.labels(path="compiled").inc()
        return ExecutionResult(data={k: parts[k] for k in plan.keys}, errors=None)
    GRAPHQL_OPERATIONS.labels(path="partly compiled").inc()
    given = {k: raw[k] for k in plan.remainder_variables if k in raw}
    return Partial(parts=parts, keys=plan.keys, remainder=plan.remainder, variables=given)


@dataclass
class Partial:
    """Root fields answered by the statement; the interpreter answers `remainder`."""

    parts: dict[str, Any]
    keys: list[str]
    remainder: str
    variables: dict[str, Any]

    def merge(self, rest: ExecutionResult) -> ExecutionResult:
        """The whole answer in the document's order; the interpreter's errors as they are."""
        if rest.data is None:  # its part failed as a whole (a non-null root refused)
            return rest
        data = {k: self.parts[k] if k in self.parts else rest.data.get(k) for k in self.keys}
        return ExecutionResult(data=data, errors=rest.errors, extensions=rest.extensions)


def _prepare(
    schema: Any, query: str, operation_name: str | None, variables: Any, settings: Any
) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode], dict[str, Any]] | None:
    """The operation, its fragments and coerced variables if the document is valid, the
    variables coerce and the cost is within the limit; remembered per document text, operation
    name and variable values (all of it depends on nothing else), so a request seen before
    skips graphql-core's coercion and the cost walk as it already skipped parse and validate."""
    frozen = _frozen(variables)
    limits = (settings.max_query_cost, settings.max_page_size, settings.max_tokens)
    key = None if frozen is _UNFROZEN else (query, operation_name, frozen, limits)
    if key is not None and key in _prepared:
        _prepared.move_to_end(key)
        return _prepared[key]
    made = _prepare_now(schema, query, operation_name, variables, settings)
    if key is not None:
        _prepared[key] = made
        if len(_prepared) > MAX_PREPARED:
            _prepared.popitem(last=False)
    return made


def _prepare_now(
    schema: Any, query: str, operation_name: str | None, variables: Any, settings: Any
) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode], dict[str, Any]] | None:
    found = valid_document(schema, query)
    if found is None:
        return None
    document, fragments = found
    try:
        operation = get_operation_ast(document, operation_name)
    except GraphQLError:
        return None
    if operation is None or operation.operation.value != "query":
        return None
    raw = variables or {}
    if _has_unstorable(raw):
        return None
    coerced: Any = get_variable_values(schema._schema, operation.variable_definitions or (), raw)
    if isinstance(coerced, list):
        return None
    walker = _Walker(fragments, raw, settings.max_page_size)
    if walker.cost(operation.selection_set) > settings.max_query_cost:
        return None
    return operation, fragments, coerced.coerced


def _inner(inner: Any, run: planner.Run) -> tuple[str, list[Any]]:
    """An inner root's SQL and values, remembered per hub and variables when it reads nothing
    of the caller (`inner.caller_free(run)`; the opportunity search near the member's home
    reads their home, which may change)."""
    free = getattr(inner, "caller_free", None)
    frozen = _frozen(run.variables) if free is not None and free(run) else _UNFROZEN
    if frozen is _UNFROZEN:
        return inner(run)  # type: ignore[no-any-return]
    key = (inner, run.hub_id, frozen)
    if key in _inner_sql:
        _inner_sql.move_to_end(key)
        text, values = _inner_sql[key]
        return text, list(values)
    text, values = inner(run)
    _inner_sql[key] = (text, tuple(values))
    if len(_inner_sql) > MAX_PREPARED:
        _inner_sql.popitem(last=False)
    return text, values


_UNFROZEN = object()
_SCALARS = (str, int, float, bool, type(None), Enum)


def _frozen(value: Any, depth: int = 0) -> Any:
    """A hashable copy of JSON-like `value` that tells 1, 1.0 and true apart, or _UNFROZEN."""
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if depth > 6:
        return _UNFROZEN
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            frozen = _frozen(v, depth + 1)
            if frozen is _UNFROZEN or not isinstance(k, str):
                return _UNFROZEN
            items.append((k, frozen))
        return ("dict", tuple(sorted(items)))
    if isinstance(value, list | tuple) and len(value) <= 50:
        frozen_items = tuple(_frozen(v, depth + 1) for v in value)
        return _UNFROZEN if _UNFROZEN in frozen_items else ("list", frozen_items)
    try:
        hash(value)
    except TypeError:
        return _UNFROZEN
    return (type(value), value)


@functools.lru_cache(maxsize=256)
def _renumber(sql: str, base: int) -> str:
    """Parameters $1.. of `sql` as $base+1..: the root's own SQL after the plan's. Kept per
    text: a root's SQL is mostly the same text each time (the feed's is one text for every
    member with a home, ~7 KB with ~100 parameters: 0.3 ms of regex per request)."""
    return _PARAM.sub(lambda m: f"${int(m.group(1)) + base}", sql)


def valid_document(
    schema: Any, query: str
) -> tuple[DocumentNode, dict[str, FragmentDefinitionNode]] | None:
    """The parsed document if it is valid with the schema's rules and limits (once per text)."""
    if query in _documents:
        _documents.move_to_end(query)
        return _documents[query]
    settings = get_settings()
    found: tuple[DocumentNode, dict[str, FragmentDefinitionNode]] | None = None
    try:
        document = parse(query, max_tokens=settings.max_tokens)
    except GraphQLError:
        document = None
    if document is not None:
        rules = [
            *specified_rules,
            *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        ]
        if not validate(schema._schema, document, rules):
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            found = (document, fragments)
    _documents[query] = found
    if len(_documents) > MAX_DOCUMENTS:
        _documents.popitem(last=False)
    return found


def _plan(
    schema: Any,
    key: Hashable,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    caller: Caller,
    variables: dict[str, Any],
) -> planner.Plan | None:
    if key in _plans:
        _plans.move_to_end(key)
        return _plans[key]
    try:
        made: planner.Plan | None = plans.plan(
            schema._schema, operation, fragments, caller, variables
        )
    except (NotCompilable, planner.Fallback):
        made = None
    _plans[key] = made
    if len(_plans) > MAX_PLANS:
        _plans.popitem(last=False)
    return made


def shape(value: Any) -> Hashable:
    """What of the variables may decide a plan's structure: which inputs are given, enum
    values, booleans, list lengths up to 2, the type inside a global ID; never other values."""
    if value is None or isinstance(value, bool | Enum):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, shape(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", min(len(value), 2))
    if isinstance(value, str):
        try:
            return ("id", ids.parse(value)[0][:60])
        except ValueError:
            return "str"
    return type(value).__name__


def _has_unstorable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
