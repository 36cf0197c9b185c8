"""Ledger mutations, one per module (vouchers and payment requests have their own packages)."""

import strawberry

from schema.credits.mutations.pay_member import pay_member
from schema.credits.mutations.reverse_transfer import reverse_transfer


@strawberry.type
class CreditsMutations:
    pay_member = strawberry.mutation(resolver=pay_member)
    reverse_transfer = strawberry.mutation(resolver=reverse_transfer)
