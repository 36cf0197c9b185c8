"""confirmLoanReturn: one side confirms a loan came back."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, loan_id
from schema.assets.types import AssetCondition, AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ConfirmLoanReturnInput:
    loan_id: strawberry.ID
    condition: AssetCondition | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The condition it came back in: the owner side notes it."
    )
    note: str = strawberry.field(default="", description="The owner side's note on it.")


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def confirm_loan_return(input: ConfirmLoanReturnInput, info: Info) -> LoanPayload:
    """Your side confirms the return of a loan ON_LOAN or OVERDUE, once (ALREADY_CONFIRMED the
    second time; INVALID_TRANSITION for a loan never handed over); the owner side gives the
    condition. With both it is RETURNED: the deposit is released, the price paid, the impact
    recorded."""
    loan = await loans.confirm_return(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
        condition=input.condition,
        note=input.note,
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
