"""disputeLoan: either side disputes a loan that is out."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, loan_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class DisputeLoanInput:
    loan_id: strawberry.ID
    reason: str = strawberry.field(description="What is wrong (condition, missing parts...).")


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def dispute_loan(input: DisputeLoanInput, info: Info) -> LoanPayload:
    """Either side disputes a loan ON_LOAN or OVERDUE, before the return is complete: it waits
    for a moderator (disputedLoans), who settles the deposit."""
    loan = await loans.dispute(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
        reason=input.reason,
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
