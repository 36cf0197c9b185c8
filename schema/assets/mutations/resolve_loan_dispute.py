"""resolveLoanDispute: a moderator settles a disputed loan."""

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanDisputeResolution, LoanPayload, loan_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ResolveLoanDisputeInput:
    loan_id: strawberry.ID
    resolution: LoanDisputeResolution  # type: ignore[valid-type]
    note: str = strawberry.field(description="Why: both sides read it.")


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def resolve_loan_dispute(input: ResolveLoanDisputeInput, info: Info) -> LoanPayload:
    """A moderator resolves a DISPUTED loan: the deposit is released (DEPOSIT_RETURNED) or paid
    to the owner side (DEPOSIT_TO_OWNER), the price is paid, and the loan closes as RETURNED."""
    loan = await loans.resolve(
        actor=info.context.require_actor(),
        loan_id=loan_id(input.loan_id),
        resolution=input.resolution,
        note=input.note,
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
