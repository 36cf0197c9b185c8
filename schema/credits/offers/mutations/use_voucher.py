"""useVoucher: the business marks a code used at the till (once)."""

import strawberry

from app.credits import offers
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.offers.mutations.payloads import VoucherPayload
from schema.credits.types import CreditsError
from schema.errors import errors_as_data


@strawberry.input
class UseVoucherInput:
    code: str


@errors_as_data(CreditsError, E, VoucherPayload)
async def use_voucher(input: UseVoucherInput, info: Info) -> VoucherPayload:
    """Staff of the issuing business only."""
    voucher = await offers.use_code(actor=info.context.require_actor(), code=input.code)
    return VoucherPayload(voucher=voucher)  # type: ignore[arg-type]
