"""Moderation reads: the queue, appeals waiting for a hub admin, actions on me, flag rules."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.errors import AccessDenied, DomainError
from app.moderation import flags, queue
from app.moderation.access import require_hub_admin
from schema.context import Info
from schema.moderation.types import ModerationAction, ModerationCase, ModerationFlagRules
from schema.relay import Page


def _read(fn, actor):  # type: ignore[no-untyped-def]
    try:
        return fn(actor=actor)
    except DomainError as exc:
        raise AccessDenied(str(exc)) from exc


@strawberry.type
class ModerationQueries:
    @relay.connection(  # type: ignore[misc]
        Page[ModerationCase],
        description="Open cases, one per reported object: most severe first, then oldest.",
    )
    async def moderation_queue(self, info: Info) -> Iterable[ModerationCase]:
        return _read(queue.open_cases, info.context.require_actor())  # type: ignore[no-any-return]

    @relay.connection(  # type: ignore[misc]
        Page[ModerationAction], description="Appeals waiting for a hub admin, oldest first."
    )
    async def appeals_waiting(self, info: Info) -> Iterable[ModerationAction]:
        return _read(queue.appeals_waiting, info.context.require_actor())  # type: ignore[no-any-return]

    @relay.connection(  # type: ignore[misc]
        Page[ModerationAction],
        description="What moderators did about you or your content, newest first.",
    )
    async def my_moderation_actions(self, info: Info) -> Iterable[ModerationAction]:
        return queue.actions_on_me(actor=info.context.require_actor())  # type: ignore[return-value]

    @strawberry.field(description="The hub's automatic flag rules.")
    async def moderation_flag_rules(self, info: Info) -> ModerationFlagRules:
        actor = info.context.require_actor()
        try:
            require_hub_admin(actor)
        except DomainError as exc:
            raise AccessDenied(str(exc)) from exc
        return ModerationFlagRules.of(await flags.rules_of(actor.hub_id))
