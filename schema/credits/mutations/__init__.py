"""Ledger mutations, one per module (vouchers and payment requests have their own packages)."""

import strawberry

from schema.credits.mutations.pay_member import pay_member


@strawberry.type
class CreditsMutations:
    pay_member = strawberry.mutation(resolver=pay_member)
