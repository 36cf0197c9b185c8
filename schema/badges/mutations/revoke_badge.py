"""revokeBadge: a hub admin revokes a holder's badge, with a reason (audited)."""

import strawberry

from app.badges import awards
from app.badges.errors import BadgeErrorCode as E
from schema.badges.mutations.payloads import BadgeAwardPayload, db_id, required_id
from schema.badges.types import BadgeError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RevokeBadgeInput:
    badge_class_id: strawberry.ID
    reason: str = strawberry.field(description="Shown in the Open Badges revocation list.")
    member_id: strawberry.ID | None = None
    organisation_id: strawberry.ID | None = None


@errors_as_data(BadgeError, E, BadgeAwardPayload)
async def revoke_badge(input: RevokeBadgeInput, info: Info) -> BadgeAwardPayload:
    """A hub admin revokes a badge. NOT_AWARDED: the holder never had it; ALREADY_REVOKED."""
    award = await awards.revoke(
        actor=info.context.require_actor(),
        badge_class_id=required_id(input.badge_class_id, "BadgeClass", "badgeClassId"),
        member_id=db_id(input.member_id, "Member", "memberId"),
        organisation_id=db_id(input.organisation_id, "Organisation", "organisationId"),
        reason=input.reason,
    )
    return BadgeAwardPayload(award=award)  # type: ignore[arg-type]
