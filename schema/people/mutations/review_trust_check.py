"""reviewTrustCheck: moderators verify or reject a pending check (never their own)."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import PeopleError, TrustCheck
from schema.relay import decode_id


@strawberry.input
class ReviewTrustCheckInput:
    check_id: strawberry.ID
    approve: bool = strawberry.field(description="true: verified; false: rejected.")
    note: str = strawberry.field(default="", description="For the member (≤ 500).")


@strawberry.type
class ReviewTrustCheckPayload:
    trust_check: TrustCheck | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, ReviewTrustCheckPayload)
async def review_trust_check(input: ReviewTrustCheckInput, info: Info) -> ReviewTrustCheckPayload:
    """Verifies or rejects a pending check (moderators)."""
    actor = info.context.require_actor()
    check = await service.review_check(
        actor=actor,
        check_id=decode_id(input.check_id, "TrustCheck", field="checkId", invalid=E.INVALID),
        approve=input.approve,
        note=input.note,
    )
    return ReviewTrustCheckPayload(trust_check=check)  # type: ignore[arg-type]
