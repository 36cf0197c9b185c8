"""Payload and ID helper shared by the payment-request mutations."""

import strawberry

from app.credits.errors import CreditsErrorCode as E
from schema.credits.payments.types import PaymentRequest
from schema.credits.types import CreditsError
from schema.relay import decode_id


@strawberry.type
class PaymentRequestPayload:
    payment_request: PaymentRequest | None = None
    errors: list[CreditsError] = strawberry.field(default_factory=list)


def request_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "PaymentRequest", field="requestId", invalid=E.INVALID)
