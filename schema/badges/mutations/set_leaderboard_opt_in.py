"""setLeaderboardOptIn: you appear on the hub's leaderboards, or not (the default)."""

import strawberry

from app.badges import leaderboards
from app.badges.errors import BadgeErrorCode as E
from schema.badges.mutations.payloads import LeaderboardOptInPayload
from schema.badges.types import BadgeError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class SetLeaderboardOptInInput:
    opted_in: bool


@errors_as_data(BadgeError, E, LeaderboardOptInPayload)
async def set_leaderboard_opt_in(
    input: SetLeaderboardOptInInput, info: Info
) -> LeaderboardOptInPayload:
    """Joins or leaves the leaderboards."""
    opted_in = await leaderboards.set_opt_in(
        actor=info.context.require_actor(), opted_in=input.opted_in
    )
    return LeaderboardOptInPayload(opted_in=opted_in)
