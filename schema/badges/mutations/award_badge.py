"""awardBadge: a hub admin gives a badge by hand (once per holder)."""

import strawberry

from app.badges import awards
from app.badges.errors import BadgeErrorCode as E
from schema.badges.mutations.payloads import BadgeAwardPayload, db_id, required_id
from schema.badges.types import BadgeError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class AwardBadgeInput:
    badge_class_id: strawberry.ID
    member_id: strawberry.ID | None = None
    organisation_id: strawberry.ID | None = None


@errors_as_data(BadgeError, E, BadgeAwardPayload)
async def award_badge(input: AwardBadgeInput, info: Info) -> BadgeAwardPayload:
    """A hub admin gives a badge to a member or an organisation. ALREADY_AWARDED: they have
    (or had) it; nothing is written."""
    award = await awards.award_by_hand(
        actor=info.context.require_actor(),
        badge_class_id=required_id(input.badge_class_id, "BadgeClass", "badgeClassId"),
        member_id=db_id(input.member_id, "Member", "memberId"),
        organisation_id=db_id(input.organisation_id, "Organisation", "organisationId"),
    )
    return BadgeAwardPayload(award=award)  # type: ignore[arg-type]
