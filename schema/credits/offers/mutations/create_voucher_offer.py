"""createVoucherOffer: a business offers vouchers or discounts for credits."""

from datetime import datetime

import strawberry

from app.credits import offers
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.offers.mutations.payloads import VoucherOfferPayload
from schema.credits.types import CreditsError
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class CreateVoucherOfferInput:
    organisation_id: strawberry.ID
    title: str
    description: str = ""
    cost: int
    stock: int
    per_member_limit: int = 1
    valid_from: datetime
    valid_until: datetime
    voucher_days: int = 30
    refund_unused: bool = False


@errors_as_data(CreditsError, E, VoucherOfferPayload)
async def create_voucher_offer(input: CreateVoucherOfferInput, info: Info) -> VoucherOfferPayload:
    """Owners and admins of a business organisation."""
    fields = {k: v for k, v in vars(input).items() if k != "organisation_id"}
    offer = await offers.create_offer(
        actor=info.context.require_actor(),
        organisation_id=decode_id(
            input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
        ),
        fields=fields,
    )
    return VoucherOfferPayload(offer=offer)  # type: ignore[arg-type]
