"""reviewTrustCheck: moderators verify or reject a pending check (never their own)."""

import strawberry

from app.people import checks
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import TrustCheckPayload
from schema.people.types import PeopleError
from schema.relay import decode_id


@strawberry.input
class ReviewTrustCheckInput:
    check_id: strawberry.ID
    approve: bool
    note: str = ""


@errors_as_data(PeopleError, E, TrustCheckPayload)
async def review_trust_check(input: ReviewTrustCheckInput, info: Info) -> TrustCheckPayload:
    """Verifies or rejects a check (moderators and hub admins)."""
    check = await checks.review_check(
        actor=info.context.require_actor(),
        check_id=decode_id(input.check_id, "TrustCheck", field="checkId", invalid=E.INVALID),
        approve=input.approve,
        note=input.note,
    )
    return TrustCheckPayload(trust_check=check)  # type: ignore[arg-type]
