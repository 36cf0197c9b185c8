"""Known mutation documents run without graphql-core's executor (issue 19).

A mutation document seen before whose one root field is a plain use-case mutation (a resolver
that only calls its service, see COMPILABLE) and whose payload selection is plain fields is
planned once: the parsed and validated document, the root field's GraphQL and strawberry
definitions, and the payload's shape. A request then coerces its variables, checks the caller
against the operation's policy entry, calls the same resolver the interpreter calls (so the
input decoding, the service call and errors-as-data stay written once), filters the payload's
row through the policy table (schema/policy.py `_Rows`) and serialises the selected fields
with the schema's own scalar and enum serialisers.

`answer()` returns None, having run nothing, for anything it is not certain to answer as the
interpreter would (a document it cannot plan, variables that do not coerce, text PostgreSQL
cannot store, a caller the policy refuses or one not signed in): then the interpreter answers
the request from the start. Once the resolver has been called it always returns the result,
errors included (an unexpected exception is classified and masked as the interpreter's), so a
mutation never runs twice. tests/compiled/test_compiled_mutations.py requires byte-equal
answers from both paths.
"""

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import MISSING, dataclass
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry import relay
from strawberry.types import ExecutionResult
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryOptional

from app.config import get_settings
from app.metrics import GRAPHQL_OPERATIONS
from app.policy import registry
from app.policy.table import TypePolicy
from schema.compiled import for_the_interpreter, runner
from schema.cost import _Walker
from schema.errors import classify, log_error
from schema.policy import _pending, _Rows
from schema.scalars import _in_document, _in_variables, unstorable

log = logging.getLogger(__name__)

# Root mutation fields whose resolver only decodes its input, calls one service and wraps the
# result in its payload (errors as data): nothing of the executor's is needed to run them.
COMPILABLE = frozenset({"payMember", "applyToOpportunity"})
MAX_PLANS = 500
_ERROR_FIELDS = {"code", "field", "message"}

_plans: "OrderedDict[Hashable, Plan | None]" = OrderedDict()
# The counter's series, looked up once: labels() takes a lock and validates on every call.
_COMPILED_MUTATIONS = GRAPHQL_OPERATIONS.labels(path="compiled mutation")


def forget_plans() -> None:
    _plans.clear()


@dataclass(frozen=True)
class Leaf:
    key: str  # the response key (alias or name)
    attribute: str  # the Python attribute of the row or error
    serialize: Callable[[Any], Any]
    non_null: bool
    node_id_of: str | None = None  # a Node's `id`: the global ID of this type name


@dataclass(frozen=True)
class Part:
    """A field of the payload: the row (filtered by the policy table) or its error list."""

    key: str
    attribute: str
    leaves: tuple[Leaf, ...]
    rows: _Rows | None  # None: the errors list (a shape, nothing to filter)


@dataclass(frozen=True)
class Plan:
    operation: OperationDefinitionNode
    field_node: FieldNode
    gfield: GraphQLField
    key: str
    name: str
    resolver: Callable[..., Any]
    arguments: list[Any]
    convert: "Callable[[dict[str, Any]], dict[str, Any]] | None"  # flat inputs, planned once
    info_parameter: str
    parts: tuple[Part, ...]


class _Info:
    """What a compilable resolver reads of strawberry's Info: the context, nothing else."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


async def answer(
    schema: Any, query: str | None, operation_name: str | None, variables: Any, context: Any
) -> ExecutionResult | None:
    """The result of a compilable mutation, or None with nothing run (the interpreter's)."""
    if query is None or not get_settings().compile_reads:
        return None
    if context.actor is None or for_the_interpreter(context):
        return None
    if context.actor.acted_by is not None:
        return None  # acting for someone: the interpreter audits it (schema/acting_for.py)
    if variables is not None and not isinstance(variables, dict):
        return None
    try:  # nothing has run yet: whatever goes wrong, the interpreter answers from the start
        prepared = _arguments(schema, query, operation_name, variables or {}, context)
    except Exception:
        log.debug("compiled mutation not prepared; the interpreter answers it", exc_info=True)
        return None
    if prepared is None:
        return None
    plan, kwargs = prepared
    kwargs[plan.info_parameter] = _Info(context)
    try:
        payload = await plan.resolver(**kwargs)
        data = {plan.key: await _serialise(plan, payload, context)}
    except Exception as exc:  # as the interpreter answers it: classified, masked, logged
        error = GraphQLError(str(exc), nodes=[plan.field_node], path=[plan.key], original_error=exc)
        log_error(error)
        return ExecutionResult(data=None, errors=[classify(error)])
    _COMPILED_MUTATIONS.inc()
    return ExecutionResult(data=data, errors=None)


def _arguments(
    schema: Any, query: str, operation_name: str | None, raw: dict[str, Any], context: Any
) -> "tuple[Plan, dict[str, Any]] | None":
    """The plan and the resolver's arguments, or None for the interpreter: a document it
    cannot plan, variables that do not coerce or hold text PostgreSQL cannot store, a caller
    the mutation's policy entry refuses."""
    plan = _plan(schema, query, operation_name)
    if plan is None or _in_variables(raw) is not None:
        return None
    coerced: Any = get_variable_values(
        schema._schema, plan.operation.variable_definitions or (), raw
    )
    if isinstance(coerced, list):  # variables that do not coerce: the interpreter's errors
        return None
    given = get_argument_values(plan.gfield, plan.field_node, coerced)
    if plan.convert is not None:
        kwargs = plan.convert(given)
    else:
        kwargs = convert_arguments(
            given,
            plan.arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
        )
    entry = registry.table().mutations[plan.name]
    if context.viewer.guest or not entry.who.quick(context.viewer, None):
        # refused (or a guest, whom the interpreter's guard checks): the interpreter says how
        return None
    return plan, kwargs


async def _serialise(plan: Plan, payload: Any, context: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in plan.parts:
        value = getattr(payload, part.attribute)
        if part.rows is None:
            out[part.key] = [_leaves(part.leaves, error, None) for error in value]
            continue
        row = part.rows.apply(context, value)
        if _pending(row):
            row = await row
        out[part.key] = None if row is None else _leaves(part.leaves, row, row)
    return out


def _leaves(leaves: tuple[Leaf, ...], source: Any, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for leaf in leaves:
        if leaf.node_id_of is not None:
            out[leaf.key] = relay.to_base64(leaf.node_id_of, str(getattr(row, leaf.attribute)))
            continue
        value = getattr(source, leaf.attribute)
        if value is None:
            if leaf.non_null:
                raise TypeError(f"{leaf.key} is null but non-null in the schema")
            out[leaf.key] = None
            continue
        out[leaf.key] = leaf.serialize(value)
    return out


def _plan(schema: Any, query: str, operation_name: str | None) -> Plan | None:
    key = (query, operation_name)
    if key in _plans:
        _plans.move_to_end(key)
        return _plans[key]
    try:
        made = _plan_now(schema, query, operation_name)
    except _NotCompilable:
        made = None
    except Exception:  # a shape the planner did not foresee: the interpreter's to answer
        log.exception("could not plan a mutation document; the interpreter answers it")
        made = None
    _plans[key] = made
    if len(_plans) > MAX_PLANS:
        _plans.popitem(last=False)
    return made


class _NotCompilable(Exception):
    pass


def _require(condition: bool) -> None:
    if not condition:
        raise _NotCompilable


def _plan_now(schema: Any, query: str, operation_name: str | None) -> Plan | None:
    if unstorable(query):
        return None
    found = runner.valid_document(schema, query)  # parsed within the token limit, validated
    if found is None:
        return None
    document, fragments = found
    if _in_document(document) is not None:  # a literal PostgreSQL cannot store: refused there
        return None
    try:
        operation = get_operation_ast(document, operation_name)
    except GraphQLError:
        return None
    _require(operation is not None and operation.operation.value == "mutation")
    assert operation is not None
    _require(not fragments and not operation.directives)
    settings = get_settings()
    walker = _Walker(fragments, {}, settings.max_page_size)
    _require(walker.cost(operation.selection_set) <= settings.max_query_cost)
    selections = operation.selection_set.selections
    _require(len(selections) == 1 and isinstance(selections[0], FieldNode))
    field_node = selections[0]
    assert isinstance(field_node, FieldNode)
    name = field_node.name.value
    _require(name in COMPILABLE and not field_node.directives)
    mutation_type = schema._schema.mutation_type
    gfield = mutation_type.fields[name]
    sfield = _strawberry_field(schema, "Mutation", name)
    resolver = sfield.base_resolver
    _require(resolver is not None and not sfield.extensions and not sfield.permission_classes)
    assert resolver is not None and resolver.info_parameter is not None
    payload_type = get_nullable_type(gfield.type)
    _require(isinstance(payload_type, GraphQLObjectType) and is_non_null_type(gfield.type))
    assert isinstance(payload_type, GraphQLObjectType)
    parts = tuple(_part(schema, payload_type, selection) for selection in _fields(field_node))
    return Plan(
        operation=operation,
        field_node=field_node,
        gfield=gfield,
        key=_key(field_node),
        name=name,
        resolver=resolver.wrapped_func,
        arguments=sfield.arguments,
        convert=_flat_converter(schema, sfield.arguments),
        info_parameter=resolver.info_parameter.name,
        parts=parts,
    )


_FLAT = (str, int, float, bool, strawberry.ID)


def _flat_converter(
    schema: Any, arguments: list[Any]
) -> "Callable[[dict[str, Any]], dict[str, Any]] | None":
    """strawberry's convert_arguments for the usual shape, one input object of plain scalars,
    as a dict comprehension (it walks every field's type on every request): the same Python
    value, None for a nullable field given no value, the field's default when left out. None
    (convert_arguments each time) for any other shape."""
    if len(arguments) != 1:
        return None
    (argument,) = arguments
    input_type = argument.type
    definition = getattr(input_type, "__strawberry_definition__", None)
    if definition is None or not definition.is_input or definition.from_input is not None:
        return None
    names = schema.config.name_converter
    fields = []
    for field in definition.fields:
        field_type = field.resolve_type(type_definition=definition)
        if isinstance(field_type, StrawberryOptional):
            field_type = field_type.of_type
        if field_type not in _FLAT:
            return None
        fields.append((names.from_field(field), field.python_name))
    implicit = {
        f.python_name: None
        for f in definition.fields
        if f.default_value is MISSING and f.default_factory is MISSING
    }
    name = argument.python_name
    graphql_name = names.from_argument(argument)

    def convert(given: dict[str, Any]) -> dict[str, Any]:
        value = given[graphql_name]
        kwargs = dict(implicit)
        kwargs.update((python, value[gql]) for gql, python in fields if gql in value)
        return {name: input_type(**kwargs)}

    return convert


def _fields(node: FieldNode) -> list[FieldNode]:
    """The plain fields selected under `node`: no fragments, directives or __typename."""
    _require(node.selection_set is not None)
    assert node.selection_set is not None
    found = []
    for selection in node.selection_set.selections:
        _require(isinstance(selection, FieldNode) and not selection.directives)
        assert isinstance(selection, FieldNode)
        _require(not selection.name.value.startswith("__") and not selection.arguments)
        found.append(selection)
    keys = [_key(f) for f in found]
    _require(len(keys) == len(set(keys)))  # a key selected twice is merged by the executor
    return found


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _part(schema: Any, payload_type: GraphQLObjectType, node: FieldNode) -> Part:
    gfield = payload_type.fields[node.name.value]
    sfield = _strawberry_field(schema, payload_type.name, node.name.value)
    _require(sfield.base_resolver is None)
    named = get_named_type(gfield.type)
    _require(isinstance(named, GraphQLObjectType))
    assert isinstance(named, GraphQLObjectType)
    nullable = get_nullable_type(gfield.type)
    if set(named.fields) == _ERROR_FIELDS:  # the errors: [XError!]!
        _require(isinstance(nullable, GraphQLList) and isinstance(nullable.of_type, GraphQLNonNull))
        leaves = tuple(_leaf(schema, named, f, None) for f in _fields(node))
        return Part(key=_key(node), attribute=sfield.python_name, leaves=leaves, rows=None)
    entry = registry.table().types.get(named.name)
    _require(isinstance(entry, TypePolicy) and not is_non_null_type(gfield.type))
    _require(not is_list_type(nullable))
    assert isinstance(entry, TypePolicy)
    leaves = tuple(_leaf(schema, named, f, entry) for f in _fields(node))
    rows = _Rows(entry, non_null=False, many=False, what=f"{payload_type.name}.{node.name.value}")
    return Part(key=_key(node), attribute=sfield.python_name, leaves=leaves, rows=rows)


def _leaf(
    schema: Any, gtype: GraphQLObjectType, node: FieldNode, policy: TypePolicy | None
) -> Leaf:
    """A plain field: public in the policy table, an attribute (or a Node's id), a scalar or
    an enum."""
    name = node.name.value
    _require(node.selection_set is None and name in gtype.fields)
    if policy is not None:
        _require(policy.rule_of(name) is None)
    gfield = gtype.fields[name]
    named = get_named_type(gfield.type)
    _require(is_leaf_type(named) and not is_list_type(get_nullable_type(gfield.type)))
    sfield = _strawberry_field(schema, gtype.name, name)
    _require(not sfield.extensions and not sfield.permission_classes)
    non_null = is_non_null_type(gfield.type)
    if sfield.base_resolver is not None:
        definition = schema.get_type_by_name(gtype.name)
        origin = getattr(definition, "origin", None)
        is_node = isinstance(origin, type) and issubclass(origin, relay.Node)
        _require(is_node and name == "id")
        assert isinstance(origin, type)
        attribute = origin.resolve_id_attr()  # type: ignore[attr-defined]
        return Leaf(_key(node), attribute, named.serialize, non_null, node_id_of=gtype.name)  # type: ignore[union-attr]
    return Leaf(_key(node), sfield.python_name, named.serialize, non_null)  # type: ignore[union-attr]


def _strawberry_field(schema: Any, type_name: str, graphql_name: str) -> Any:
    definition = schema.get_type_by_name(type_name)
    converter = schema.config.name_converter
    for field in getattr(definition, "fields", []):
        if converter.get_graphql_name(field) == graphql_name:
            return field
    raise _NotCompilable
