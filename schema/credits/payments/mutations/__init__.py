"""Payment-request mutations, one per module."""

import strawberry

from schema.credits.payments.mutations.approve_payment_request import approve_payment_request
from schema.credits.payments.mutations.cancel_payment_request import cancel_payment_request
from schema.credits.payments.mutations.decline_payment_request import decline_payment_request
from schema.credits.payments.mutations.request_payment import request_payment


@strawberry.type
class PaymentMutations:
    request_payment = strawberry.mutation(resolver=request_payment)
    approve_payment_request = strawberry.mutation(resolver=approve_payment_request)
    decline_payment_request = strawberry.mutation(resolver=decline_payment_request)
    cancel_payment_request = strawberry.mutation(resolver=cancel_payment_request)
