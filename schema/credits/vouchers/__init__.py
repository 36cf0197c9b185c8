"""GraphQL of vouchers: queries and one mutation per module."""

import strawberry


@strawberry.type
class VoucherQueries:
    pass


@strawberry.type
class VoucherMutations:
    pass
