"""cancelLoan: either side cancels a loan before the handover."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, loan_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CancelLoanInput:
    loan_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def cancel_loan(input: CancelLoanInput, info: Info) -> LoanPayload:
    """Either side cancels a REQUESTED or APPROVED loan before the handover is complete; any
    credits a half-confirmed handover held are released."""
    loan = await loans.cancel(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
