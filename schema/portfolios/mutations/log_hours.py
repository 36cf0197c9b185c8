"""logHours: the volunteer of an accepted engagement records time given."""

from datetime import date

import strawberry

from app.portfolios import hours
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import HoursPayload, application_id
from schema.portfolios.types import PortfolioError


@strawberry.input
class LogHoursInput:
    application_id: strawberry.ID
    worked_on: date = strawberry.field(description="The day, in the hub's time zone.")
    minutes: int = strawberry.field(description="1 to 1440.")
    note: str = ""


@errors_as_data(PortfolioError, PortfolioErrorCode, HoursPayload)
async def log_hours(input: LogHoursInput, info: Info) -> HoursPayload:
    """Records hours, pending verification by the side that was helped."""
    record = await hours.log_hours(
        actor=info.context.require_actor(),
        application_id=application_id(input.application_id),
        worked_on=input.worked_on,
        minutes=input.minutes,
        note=input.note,
    )
    return HoursPayload(hours_record=record)  # type: ignore[arg-type]
