"""creditPartnerVolunteer: a partner hub's member volunteered here; pay their hours across."""

import strawberry

from app.federation import payments
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.types import FederationError
from schema.relay import decode_id


@strawberry.input
class CreditPartnerVolunteerInput:
    partner_hub_slug: str
    volunteer_id: strawberry.ID = strawberry.field(description="A member of the partner hub.")
    minutes: int = strawberry.field(description="Verified minutes, 1 to 1440.")
    memo: str = ""
    idempotency_key: str = strawberry.field(
        description="Unique per record (8-100 chars): a retry with it never pays twice."
    )


@strawberry.type
class CreditPartnerVolunteerPayload:
    ok: bool = False
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, CreditPartnerVolunteerPayload)
async def credit_partner_volunteer(
    input: CreditPartnerVolunteerInput, info: Info
) -> CreditPartnerVolunteerPayload:
    """This hub's credits per hour, from its issuance account, across the link to the
    volunteer's hub (converted; within that hub's credit limit for this one)."""
    await payments.credit_hours(
        actor=info.context.require_actor(),
        partner_slug=input.partner_hub_slug,
        volunteer_id=decode_id(
            input.volunteer_id, "Member", field="volunteerId", invalid=E.INVALID
        ),
        minutes=input.minutes,
        memo=input.memo,
        idempotency_key=input.idempotency_key,
    )
    return CreditPartnerVolunteerPayload(ok=True)
