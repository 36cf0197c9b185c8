"""OAuth scopes on the built schema: every root field needs the scope that
app/oauth/requirements.py gives it, and says so in its description.

A member's own session (and an anonymous caller) is not limited; an OAuth token without the
field's scope gets a top-level error INSUFFICIENT_SCOPE naming the scope, before the field
runs. Fields on the compiled read path are left to the interpreter when the caller holds an
OAuth token (schema/compiled/runner.py), so this check covers them too.
"""

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo

from app.errors import AccessDenied
from app.oauth.requirements import PUBLIC, REQUIREMENTS, SESSION, Requirement, describe
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
    """A root field without a declared scope, or a declared one the schema does not have."""


def apply(schema: strawberry.Schema) -> None:
    """Guards and describes every root field; ScopeGap lists what the table misses."""
    gs = schema._schema
    roots = [t for t in (gs.query_type, gs.mutation_type, gs.subscription_type) if t]
    problems = gaps(roots)
    if problems:
        raise ScopeGap("No OAuth scope declared:\n  " + "\n  ".join(problems))
    for root in roots:
        for name, field in root.fields.items():
            requirement = REQUIREMENTS[f"{root.name}.{name}"]
            sentence = describe(requirement)
            field.description = (
                f"{field.description}\n\n{sentence}" if field.description else sentence
            )
            if requirement != PUBLIC:
                _guard(
                    field,
                    f"{root.name}.{name}",
                    requirement,
                    subscription=root is gs.subscription_type,
                )


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
        if actor is None or actor.scopes is None:
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
    resolve = field.resolve
    assert resolve is not None

    def guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        check(info)
        return resolve(source, info, **args)

    field.resolve = guarded
