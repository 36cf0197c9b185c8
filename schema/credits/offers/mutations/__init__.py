"""Voucher mutations, one per module."""

import strawberry

from schema.credits.offers.mutations.create_voucher_offer import create_voucher_offer
from schema.credits.offers.mutations.redeem_voucher import redeem_voucher
from schema.credits.offers.mutations.update_voucher_offer import update_voucher_offer
from schema.credits.offers.mutations.use_voucher import use_voucher


@strawberry.type
class OfferMutations:
    create_voucher_offer = strawberry.mutation(resolver=create_voucher_offer)
    update_voucher_offer = strawberry.mutation(resolver=update_voucher_offer)
    redeem_voucher = strawberry.mutation(resolver=redeem_voucher)
    use_voucher = strawberry.mutation(resolver=use_voucher)
