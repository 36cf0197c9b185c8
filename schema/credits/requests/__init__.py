"""GraphQL of requests: queries and one mutation per module."""

import strawberry


@strawberry.type
class PaymentRequestQueries:
    pass


@strawberry.type
class PaymentRequestMutations:
    pass
