"""createBadgeLevel: a hub admin adds a named level reached at a number of points."""

import strawberry

from app.badges import service
from app.badges.errors import BadgeErrorCode as E
from schema.badges.types import BadgeError, BadgeLevel
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.type
class BadgeLevelPayload:
    level: BadgeLevel | None = None
    errors: list[BadgeError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateBadgeLevelInput:
    name: str
    min_points: int = strawberry.field(description="Never negative.")


@errors_as_data(BadgeError, E, BadgeLevelPayload)
async def create_badge_level(input: CreateBadgeLevelInput, info: Info) -> BadgeLevelPayload:
    """Adds a level. NEGATIVE_THRESHOLD, DUPLICATE_NAME (a level of that name or points):
    nothing is written."""
    level = await service.create_level(
        actor=info.context.require_actor(), name=input.name, min_points=input.min_points
    )
    return BadgeLevelPayload(level=BadgeLevel(name=level.name, min_points=level.min_points))
