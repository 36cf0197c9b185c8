"""resolveHoursDispute: a moderator settles disputed hours (verified or rejected)."""

import strawberry

from app.portfolios import hours
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import HoursPayload, hours_record_id
from schema.portfolios.types import PortfolioError


@strawberry.input
class ResolveHoursDisputeInput:
    hours_record_id: strawberry.ID
    verify: bool
    note: str = ""


@errors_as_data(PortfolioError, PortfolioErrorCode, HoursPayload)
async def resolve_hours_dispute(input: ResolveHoursDisputeInput, info: Info) -> HoursPayload:
    """Moderators only; a verified outcome is credited like any verified hours."""
    record = await hours.resolve_dispute(
        actor=info.context.require_actor(),
        record_id=hours_record_id(input.hours_record_id),
        verify=input.verify,
        note=input.note,
    )
    return HoursPayload(hours_record=record)  # type: ignore[arg-type]
