"""checkInBooking: the booker's side checks in."""

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, booking_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CheckInBookingInput:
    booking_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def check_in_booking(input: CheckInBookingInput, info: Info) -> BookingPayload:
    """The booker's side checks in to a CONFIRMED booking, from 15 minutes before its start
    until its end."""
    booking = await bookings.check_in(
        actor=info.context.require_actor(),
        booking_id=booking_id(input.booking_id),
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
