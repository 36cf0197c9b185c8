"""payMember: pay another member for a service (timebank exchange), idempotently."""

import strawberry

from app.credits import service
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.types import CreditsError, Transfer
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class PayMemberInput:
    payee_id: strawberry.ID
    amount: int = strawberry.field(description="Whole credits, more than zero.")
    memo: str = ""
    category: str = ""
    opportunity_id: strawberry.ID | None = strawberry.field(
        default=None, description="The opportunity or request it was for."
    )
    idempotency_key: str = strawberry.field(
        description="Unique per payment (8-100 chars): a retry with it never pays twice."
    )


@strawberry.type
class PayMemberPayload:
    transfer: Transfer | None = None
    errors: list[CreditsError] = strawberry.field(default_factory=list)


@errors_as_data(CreditsError, E, PayMemberPayload)
async def pay_member(input: PayMemberInput, info: Info) -> PayMemberPayload:
    """Moves credits from you to the payee, or nothing at all."""
    opportunity = (
        decode_id(input.opportunity_id, "Opportunity", field="opportunityId", invalid=E.INVALID)
        if input.opportunity_id
        else None
    )
    transfer = await service.pay(
        actor=info.context.require_actor(),
        payee_id=decode_id(input.payee_id, "Member", field="payeeId", invalid=E.INVALID),
        amount=input.amount,
        memo=input.memo,
        category=input.category,
        opportunity_id=opportunity,
        idempotency_key=input.idempotency_key,
    )
    return PayMemberPayload(transfer=transfer)  # type: ignore[arg-type]
