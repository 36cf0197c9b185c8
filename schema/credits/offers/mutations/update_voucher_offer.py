"""updateVoucherOffer: change stock, texts, dates, or pause an offer."""

from datetime import datetime

import strawberry

from app.credits import offers
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.offers.mutations.payloads import VoucherOfferPayload
from schema.credits.types import CreditsError
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input(description="Fields left out stay as they are.")
class UpdateVoucherOfferInput:
    offer_id: strawberry.ID
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    stock: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    valid_until: datetime | None = strawberry.UNSET


@errors_as_data(CreditsError, E, VoucherOfferPayload)
async def update_voucher_offer(input: UpdateVoucherOfferInput, info: Info) -> VoucherOfferPayload:
    """Owners and admins of the business."""
    fields = {
        k: v
        for k, v in vars(input).items()
        if k != "offer_id" and v is not strawberry.UNSET and v is not None
    }
    offer = await offers.update_offer(
        actor=info.context.require_actor(),
        offer_id=decode_id(input.offer_id, "VoucherOffer", field="offerId", invalid=E.INVALID),
        fields=fields,
    )
    return VoucherOfferPayload(offer=offer)  # type: ignore[arg-type]
