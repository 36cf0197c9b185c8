"""Every mutation a coordinator makes for a member (CH-Act-For) is audited.

Each Mutation root field is wrapped at build time: when the caller acts for someone, the
resolver runs inside one transaction with an audit row `act_for` (the mutation's name; the
actor is the member, `acted_by` the coordinator), written only when the payload carries no
errors; an error rolls both back, an exception too. The services' own transactions nest in it
(savepoints). The services' own audit rows of sensitive actions come in addition to this one.
Compiled mutations leave callers acting for someone to the interpreter (schema/compiled).
"""

import inspect
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLResolveInfo
from tortoise.transactions import in_transaction

from app.audit import service as audit
from schema.context import Context


def apply(schema: strawberry.Schema) -> None:
    mutation = schema._schema.mutation_type
    if mutation is None:
        return
    for name, field in mutation.fields.items():
        _wrap(field, name)


def _wrap(field: GraphQLField, name: str) -> None:
    resolve = field.resolve
    assert resolve is not None

    def audited(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        ctx: Context = info.context
        actor = ctx.actor
        if actor is None or actor.acted_by is None:
            return resolve(source, info, **args)

        async def run() -> Any:
            async with in_transaction():
                result = resolve(source, info, **args)
                if inspect.isawaitable(result):
                    result = await result
                if not getattr(result, "errors", None):
                    await audit.record_act_for(actor=actor, operation=name)
            return result

        return run()

    field.resolve = audited
