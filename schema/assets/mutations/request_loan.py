"""requestLoan: ask to borrow a thing for some dates."""

from datetime import datetime

import strawberry

from app.assets import loans
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import LoanPayload, organisation_id
from schema.assets.mutations.payloads import asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RequestLoanInput:
    asset_id: strawberry.ID
    starts_at: datetime = strawberry.field(description="When you would collect it.")
    due_at: datetime = strawberry.field(description="When you would bring it back.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Borrow for this organisation (you must belong to it); required when the"
        " thing is for organisations only.",
    )
    message: str = strawberry.field(default="", description="To the owner side.")


@errors_as_data(AssetError, AssetErrorCode, LoanPayload)
async def request_loan(input: RequestLoanInput, info: Info) -> LoanPayload:
    """Asks to borrow a listed LOAN asset: REQUESTED, or APPROVED at once when it needs no
    approval (SLOT_TAKEN when an agreed loan holds some of the dates). Also IN_PAST, TOO_SOON,
    TOO_SHORT, TOO_LONG, NOT_ELIGIBLE, OWN_ASSET; nothing is written then."""
    loan = await loans.request(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id),
        starts_at=input.starts_at,
        due_at=input.due_at,
        organisation_id=organisation_id(input.organisation_id),
        message=input.message,
    )
    return LoanPayload(loan=loan)  # type: ignore[arg-type]
