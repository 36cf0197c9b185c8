"""OAuth scopes on the built schema: every root field needs the scope that
app/oauth/requirements.py gives it, and so does every field below the root that reaches a
type (or a private field) the table gives a scope; each says so in its description.

A member's own session (and an anonymous caller) is not limited; an OAuth token without the
field's scope gets a top-level error INSUFFICIENT_SCOPE naming the scope, before the field
runs. Fields on the compiled read path are left to the interpreter when the caller holds an
OAuth token (schema/compiled/runner.py), so this check covers them too.
"""

from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    default_field_resolver,
    get_named_type,
)

from app.errors import AccessDenied
from app.oauth.requirements import (
    FIELD_REQUIREMENTS,
    OPEN,
    PUBLIC,
    REQUIREMENTS,
    SESSION,
    Requirement,
    describe,
    type_requirement,
)
from schema.context import Context


class MissingScope(AccessDenied):
    """The OAuth token lacks the field's scope (or no scope can grant the field)."""

    def __init__(self, field: str, requirement: Requirement) -> None:
        if requirement == SESSION:
            message = f"{field} is for members' own sessions: no OAuth scope grants it."
        else:
            message = f"{field} needs the OAuth scope {requirement}."
        super().__init__(message, code="INSUFFICIENT_SCOPE")
        self.extensions = {"scope": None if requirement == SESSION else str(requirement)}


class ScopeGap(Exception):
    """A field or type without a declared scope, or a declared one the schema does not have."""


def apply(schema: strawberry.Schema) -> None:
    """Guards and describes every root field and every field below that needs a scope;
    ScopeGap lists what the table misses."""
    gs = schema._schema
    roots = [t for t in (gs.query_type, gs.mutation_type, gs.subscription_type) if t]
    types = _object_types(schema, roots)
    problems = gaps(roots) + type_gaps(types)
    if problems:
        raise ScopeGap("No OAuth scope declared:\n  " + "\n  ".join(problems))
    for root in roots:
        for name, field in root.fields.items():
            requirement = REQUIREMENTS[f"{root.name}.{name}"]
            _describe(field, requirement)
            if requirement != PUBLIC:
                _guard(
                    field,
                    f"{root.name}.{name}",
                    requirement,
                    subscription=root is gs.subscription_type,
                )
    for parent in types:
        for name, field in parent.fields.items():
            needed = nested_requirement(parent, name, field)
            if needed is not None:
                _describe(field, needed)
                _guard(field, f"{parent.name}.{name}", needed, subscription=False)


def _object_types(
    schema: strawberry.Schema, roots: list[GraphQLObjectType]
) -> list[GraphQLObjectType]:
    return [
        t
        for name, t in sorted(schema._schema.type_map.items())
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and t not in roots
    ]


def nested_requirement(
    parent: GraphQLObjectType, name: str, field: GraphQLField
) -> Requirement | None:
    """The scope a field below the root needs beyond the one that led to its type; None."""
    own = FIELD_REQUIREMENTS.get(f"{parent.name}.{name}")
    if own is not None:
        return own
    reached = type_requirement(get_named_type(field.type).name)
    if reached in (None, OPEN, PUBLIC) or reached == type_requirement(parent.name):
        return None
    return reached


def type_gaps(types: list[GraphQLObjectType]) -> list[str]:
    """Object types the table does not classify, and private fields it names that are gone."""
    missing = [f"type {t.name} has no scope" for t in types if type_requirement(t.name) is None]
    fields = {f"{t.name}.{n}" for t in types for n in t.fields}
    stale = [f"{name} is not in the schema" for name in sorted(set(FIELD_REQUIREMENTS) - fields)]
    return missing + stale


def _describe(field: GraphQLField, requirement: Requirement) -> None:
    sentence = describe(requirement)
    field.description = f"{field.description}\n\n{sentence}" if field.description else sentence


def gaps(roots: list[GraphQLObjectType]) -> list[str]:
    """Root fields missing from the table, and table entries naming no root field."""
    served = {f"{r.name}.{n}" for r in roots for n in r.fields}
    missing = [f"{name} has no scope" for name in sorted(served - set(REQUIREMENTS))]
    stale = [f"{name} is not in the schema" for name in sorted(set(REQUIREMENTS) - served)]
    return missing + stale


def _guard(field: GraphQLField, name: str, requirement: Requirement, *, subscription: bool) -> None:
    def check(info: GraphQLResolveInfo) -> None:
        ctx: Context = info.context
        actor = ctx.actor
        if actor is None or actor.scopes is None:  # a member's own session, or no one
            return
        if requirement == SESSION or str(requirement) not in actor.scopes:
            raise MissingScope(name, requirement)

    if subscription and field.subscribe is not None:
        subscribe = field.subscribe

        def subscribe_guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            check(info)
            return subscribe(source, info, **args)

        field.subscribe = subscribe_guarded
        return
    resolve = field.resolve or default_field_resolver

    def guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        check(info)
        return resolve(source, info, **args)

    field.resolve = guarded
