"""declineLoan: the owner side declines a loan request."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, loan_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class DeclineLoanInput:
    loan_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def decline_loan(input: DeclineLoanInput, info: Info) -> LoanPayload:
    """The owner side declines a REQUESTED loan."""
    loan = await loans.decline(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
