"""confirmLoanHandover: one side confirms the handover of a loan."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, loan_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ConfirmLoanHandoverInput:
    loan_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def confirm_loan_handover(input: ConfirmLoanHandoverInput, info: Info) -> LoanPayload:
    """Your side confirms the handover of an APPROVED loan, once (ALREADY_CONFIRMED the second
    time). The borrower's side's confirmation holds the deposit and the price on the borrower's
    credits (INSUFFICIENT_CREDITS when they fall short); with both it is ON_LOAN."""
    loan = await loans.confirm_handover(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
