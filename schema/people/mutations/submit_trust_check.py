"""submitTrustCheck: record a check you hold (e.g. DBS) for a moderator to verify."""

from datetime import date

import strawberry

from app.people import checks
from app.people.errors import PeopleErrorCode
from app.people.models import CheckKind as CheckKindEnum
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import TrustCheckPayload
from schema.people.types import CheckKind, PeopleError


@strawberry.input
class SubmitTrustCheckInput:
    kind: CheckKind  # type: ignore[valid-type]
    reference: str = strawberry.field(description="Certificate or document number.")
    expires_on: date | None = None


@errors_as_data(PeopleError, PeopleErrorCode, TrustCheckPayload)
async def submit_trust_check(input: SubmitTrustCheckInput, info: Info) -> TrustCheckPayload:
    """Adds a pending check to your profile."""
    check = await checks.submit_check(
        actor=info.context.require_actor(),
        kind=CheckKindEnum(input.kind),
        reference=input.reference,
        expires_on=input.expires_on,
    )
    return TrustCheckPayload(trust_check=check)  # type: ignore[arg-type]
