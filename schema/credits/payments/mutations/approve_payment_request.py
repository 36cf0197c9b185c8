"""approvePaymentRequest: a payer's share is held; the last approval moves every share."""

import strawberry

from app.credits import payment_requests
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.payments.mutations.payloads import PaymentRequestPayload, request_id
from schema.credits.types import CreditsError
from schema.errors import errors_as_data


@strawberry.input
class ApprovePaymentRequestInput:
    request_id: strawberry.ID
    idempotency_key: str = strawberry.field(description="A retry with it never holds twice.")


@errors_as_data(CreditsError, E, PaymentRequestPayload)
async def approve_payment_request(
    input: ApprovePaymentRequestInput, info: Info
) -> PaymentRequestPayload:
    """A payer approves: their share is held; the last approval moves every share."""
    request = await payment_requests.approve(
        actor=info.context.require_actor(),
        request_id=request_id(input.request_id),
        idempotency_key=input.idempotency_key,
    )
    return PaymentRequestPayload(payment_request=request)  # type: ignore[arg-type]
