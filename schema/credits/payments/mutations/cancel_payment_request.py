"""cancelPaymentRequest: The requester withdraws a pending request; holds are released."""

import strawberry

from app.credits import payment_requests
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.payments.mutations.payloads import PaymentRequestPayload, request_id
from schema.credits.types import CreditsError
from schema.errors import errors_as_data


@strawberry.input
class CancelPaymentRequestInput:
    request_id: strawberry.ID


@errors_as_data(CreditsError, E, PaymentRequestPayload)
async def cancel_payment_request(
    input: CancelPaymentRequestInput, info: Info
) -> PaymentRequestPayload:
    """The requester withdraws a pending request; holds are released."""
    request = await payment_requests.cancel(
        actor=info.context.require_actor(), request_id=request_id(input.request_id)
    )
    return PaymentRequestPayload(payment_request=request)  # type: ignore[arg-type]
