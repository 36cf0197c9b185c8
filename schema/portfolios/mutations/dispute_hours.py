"""disputeHours: the side that was helped disagrees with logged hours, saying why."""

import strawberry

from app.portfolios import hours
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import HoursPayload, hours_record_id
from schema.portfolios.types import PortfolioError


@strawberry.input
class DisputeHoursInput:
    hours_record_id: strawberry.ID
    reason: str


@errors_as_data(PortfolioError, PortfolioErrorCode, HoursPayload)
async def dispute_hours(input: DisputeHoursInput, info: Info) -> HoursPayload:
    """Disputes pending hours; a moderator then resolves the dispute."""
    record = await hours.dispute_hours(
        actor=info.context.require_actor(),
        record_id=hours_record_id(input.hours_record_id),
        reason=input.reason,
    )
    return HoursPayload(hours_record=record)  # type: ignore[arg-type]
