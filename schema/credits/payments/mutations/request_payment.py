"""requestPayment: ask one or more members to pay for a service (all shares or none)."""

import strawberry

from app.credits import payment_requests
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.payments.mutations.payloads import PaymentRequestPayload
from schema.credits.types import CreditsError
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class PaymentShareInput:
    member_id: strawberry.ID
    amount: int


@strawberry.input
class RequestPaymentInput:
    payers: list[PaymentShareInput] = strawberry.field(description="1 to 10 payers.")
    memo: str = ""
    category: str = ""
    expires_in_days: int = 7
    idempotency_key: str


@errors_as_data(CreditsError, E, PaymentRequestPayload)
async def request_payment(input: RequestPaymentInput, info: Info) -> PaymentRequestPayload:
    """Nothing moves until every payer approves; then all shares move at once."""
    shares = [
        payment_requests.Share(
            payer_id=decode_id(p.member_id, "Member", field="payers", invalid=E.INVALID),
            amount=p.amount,
        )
        for p in input.payers
    ]
    request = await payment_requests.request_payment(
        actor=info.context.require_actor(),
        shares=shares,
        memo=input.memo,
        category=input.category,
        expires_in_days=input.expires_in_days,
        idempotency_key=input.idempotency_key,
    )
    return PaymentRequestPayload(payment_request=request)  # type: ignore[arg-type]
