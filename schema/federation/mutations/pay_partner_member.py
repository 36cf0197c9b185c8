"""payPartnerMember: pay a member of a partner hub, at the link's rate, idempotently."""

import strawberry

from app.federation import payments
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.credits.types import Transfer
from schema.errors import errors_as_data
from schema.federation.types import FederationError
from schema.relay import decode_id


@strawberry.input
class PayPartnerMemberInput:
    partner_hub_slug: str
    payee_id: strawberry.ID = strawberry.field(description="A member of the partner hub.")
    amount: int = strawberry.field(
        description="In your hub's credits; it must convert to a whole number of theirs."
    )
    memo: str = ""
    category: str = ""
    idempotency_key: str = strawberry.field(
        description="Unique per payment (8-100 chars): a retry with it never pays twice."
    )


@strawberry.type
class PayPartnerMemberPayload:
    transfer: Transfer | None = strawberry.field(
        default=None, description="Your hub's side: from you to the clearing account."
    )
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, PayPartnerMemberPayload)
async def pay_partner_member(input: PayPartnerMemberInput, info: Info) -> PayPartnerMemberPayload:
    """Both hubs' sides in one transaction, or nothing. NO_LINK, LINK_NOT_ACTIVE,
    OVER_LINK_LIMIT (the partner's credit limit for this hub), CATEGORY_NOT_ALLOWED,
    NOT_CONVERTIBLE (exact conversion only: the message names amounts that convert)."""
    transfer = await payments.pay(
        actor=info.context.require_actor(),
        partner_slug=input.partner_hub_slug,
        payee_id=decode_id(input.payee_id, "Member", field="payeeId", invalid=E.INVALID),
        amount=input.amount,
        memo=input.memo,
        category=input.category,
        idempotency_key=input.idempotency_key,
    )
    return PayPartnerMemberPayload(transfer=transfer)  # type: ignore[arg-type]
