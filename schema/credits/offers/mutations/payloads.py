"""Payloads shared by the voucher mutations."""

import strawberry

from schema.credits.offers.types import Voucher, VoucherOffer
from schema.credits.types import CreditsError


@strawberry.type
class VoucherOfferPayload:
    offer: VoucherOffer | None = None
    errors: list[CreditsError] = strawberry.field(default_factory=list)


@strawberry.type
class VoucherPayload:
    voucher: Voucher | None = None
    errors: list[CreditsError] = strawberry.field(default_factory=list)
