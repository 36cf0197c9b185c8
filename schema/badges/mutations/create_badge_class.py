"""createBadgeClass: a hub admin defines a badge: a rule over a holder's record and its points."""

import strawberry

from app.badges import service
from app.badges.errors import BadgeErrorCode as E
from app.badges.models import HolderKind, Period
from schema.badges.mutations.payloads import BadgeClassPayload, db_id
from schema.badges.types import BadgeError, BadgeHolderKind, BadgePeriod
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CreateBadgeClassInput:
    name: str
    description: str
    metric: str = strawberry.field(
        description="One of the BadgeMetric values in lower case (e.g. verified_hours);"
        " anything else: UNKNOWN_METRIC."
    )
    threshold: int = strawberry.field(description="In the metric's unit; never negative.")
    points: int = 10
    holder_kind: BadgeHolderKind = HolderKind.MEMBER  # type: ignore[valid-type]
    period: BadgePeriod = Period.ALL_TIME  # type: ignore[valid-type]
    category_id: strawberry.ID | None = None
    skill_id: strawberry.ID | None = None
    slug: str | None = None
    colour: str = "#2e7d32"


@errors_as_data(BadgeError, E, BadgeClassPayload)
async def create_badge_class(input: CreateBadgeClassInput, info: Info) -> BadgeClassPayload:
    """A hub admin defines a badge. UNKNOWN_METRIC, NEGATIVE_THRESHOLD, NOT_FOR_HOLDER,
    DUPLICATE_NAME: nothing is written."""
    badge = await service.create_badge_class(
        actor=info.context.require_actor(),
        given=service.BadgeInput(
            name=input.name,
            description=input.description,
            metric=input.metric,
            threshold=input.threshold,
            points=input.points,
            holder_kind=HolderKind(input.holder_kind),
            period=Period(input.period),
            category_id=db_id(input.category_id, "Category", "categoryId"),
            skill_id=db_id(input.skill_id, "Skill", "skillId"),
            slug=input.slug,
            colour=input.colour,
        ),
    )
    return BadgeClassPayload(badge_class=badge)  # type: ignore[arg-type]
