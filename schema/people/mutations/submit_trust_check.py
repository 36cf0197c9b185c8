"""submitTrustCheck: record a check you hold (e.g. DBS) for a moderator to verify."""

from datetime import date

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode
from app.people.models import CheckKind as CheckKindEnum
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import CheckKind, PeopleError, TrustCheck


@strawberry.input
class SubmitTrustCheckInput:
    kind: CheckKind  # type: ignore[valid-type]
    reference: str = strawberry.field(description="Certificate or document number (≤ 64).")
    expires_on: date | None = strawberry.field(default=None, description="After today.")


@strawberry.type
class SubmitTrustCheckPayload:
    trust_check: TrustCheck | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, PeopleErrorCode, SubmitTrustCheckPayload)
async def submit_trust_check(input: SubmitTrustCheckInput, info: Info) -> SubmitTrustCheckPayload:
    """Adds a pending check to your profile; one pending check of each kind at a time."""
    check = await service.submit_check(
        actor=info.context.require_actor(),
        kind=CheckKindEnum(input.kind),
        reference=input.reference,
        expires_on=input.expires_on,
    )
    return SubmitTrustCheckPayload(trust_check=check)  # type: ignore[arg-type]
