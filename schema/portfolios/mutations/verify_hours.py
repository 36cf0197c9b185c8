"""verifyHours: the side that was helped confirms the hours (final; credited once)."""

import strawberry

from app.portfolios import hours
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import HoursPayload, hours_record_id
from schema.portfolios.types import PortfolioError


@strawberry.input
class VerifyHoursInput:
    hours_record_id: strawberry.ID


@errors_as_data(PortfolioError, PortfolioErrorCode, HoursPayload)
async def verify_hours(input: VerifyHoursInput, info: Info) -> HoursPayload:
    """Verifies pending hours; nobody verifies their own."""
    record = await hours.verify_hours(
        actor=info.context.require_actor(), record_id=hours_record_id(input.hours_record_id)
    )
    return HoursPayload(hours_record=record)  # type: ignore[arg-type]
