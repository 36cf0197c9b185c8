"""Badge lists and reads: the hub's badges and levels, your awards and standing, the opt-in
leaderboard, an organisation's monthly impact and its success stories."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.badges import leaderboards, levels, lists
from app.badges.errors import BadgeErrorCode as E
from app.impact import profiles
from schema.badges.types import (
    BadgeAward,
    BadgeClass,
    BadgeLevel,
    BadgePeriod,
    BadgeStanding,
    ImpactMonth,
    LeaderboardEntry,
    SuccessStory,
)
from schema.context import Info
from schema.relay import Page, decode_id


@strawberry.type
class BadgeQueries:
    @relay.connection(Page[BadgeClass], description="The hub's active badges.")  # type: ignore[misc]
    async def badge_classes(self, info: Info) -> Iterable[BadgeClass]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        return await lists.badge_classes(viewer=viewer)  # type: ignore[return-value]

    @strawberry.field(description="The hub's levels, lowest first.")
    async def badge_levels(self, info: Info) -> list[BadgeLevel]:
        hub_id = info.context.viewer.hub_id
        if hub_id is None:
            return []
        found = await lists.levels_of(hub_id=hub_id)
        return [BadgeLevel(name=f.name, min_points=f.min_points) for f in found]

    @relay.connection(  # type: ignore[misc]
        Page[BadgeAward], description="Your badges (revoked ones included), newest first."
    )
    async def my_badge_awards(self, info: Info) -> Iterable[BadgeAward]:
        info.context.require_actor()
        return await lists.awards_of(viewer=info.context.viewer)  # type: ignore[return-value]

    @strawberry.field(description="Your points and level.")
    async def my_badge_standing(self, info: Info) -> BadgeStanding:
        actor = info.context.require_actor()
        [found] = await levels.standings(hub_id=actor.hub_id, member_ids=[actor.member_id])
        return BadgeStanding.of(found)

    @strawberry.field(
        description="Members who opted in (setLeaderboardOptIn), by the points of the badges"
        " they earned in the period; at most 50."
    )
    async def leaderboard(
        self,
        info: Info,
        period: BadgePeriod = BadgePeriod.ALL_TIME,  # type: ignore[valid-type, attr-defined]
    ) -> list[LeaderboardEntry]:
        actor = info.context.require_actor()
        found = await leaderboards.leaderboard(hub_id=actor.hub_id, period=period)
        return [LeaderboardEntry.of(e) for e in found]

    @strawberry.field(
        description="An organisation's impact per month over [since, until) (default: the"
        " twelve months before this one, and this one); empty for an organisation not in"
        " your hub."
    )
    async def organisation_impact(
        self,
        info: Info,
        organisation_id: strawberry.ID,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ImpactMonth]:
        hub_id = info.context.viewer.hub_id
        org = decode_id(organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
        if hub_id is None:
            return []
        months = await profiles.profile_months(
            hub_id=hub_id, organisation_id=org, since=since, until=until
        )
        return [ImpactMonth.of(m) for m in months]

    @relay.connection(  # type: ignore[misc]
        Page[SuccessStory],
        description="An organisation's success stories, newest first: approved ones (and, for"
        " its people and moderators, those waiting).",
    )
    async def success_stories(
        self, info: Info, organisation_id: strawberry.ID
    ) -> Iterable[SuccessStory]:
        viewer = info.context.viewer
        org = decode_id(organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
        if viewer.hub_id is None:
            return []
        return await lists.stories_of(viewer=viewer, organisation_id=org)  # type: ignore[return-value]
