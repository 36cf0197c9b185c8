"""redeemVoucher: spend credits on an offer and get a single-use code."""

import strawberry

from app.credits import offers
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.offers.mutations.payloads import VoucherPayload
from schema.credits.types import CreditsError
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class RedeemVoucherInput:
    offer_id: strawberry.ID
    idempotency_key: str = strawberry.field(description="A retry with it never pays twice.")


@errors_as_data(CreditsError, E, VoucherPayload)
async def redeem_voucher(input: RedeemVoucherInput, info: Info) -> VoucherPayload:
    """Credits move and a code is issued, or nothing happens."""
    voucher = await offers.redeem(
        actor=info.context.require_actor(),
        offer_id=decode_id(input.offer_id, "VoucherOffer", field="offerId", invalid=E.INVALID),
        idempotency_key=input.idempotency_key,
    )
    return VoucherPayload(voucher=voucher)  # type: ignore[arg-type]
