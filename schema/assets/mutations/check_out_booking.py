"""checkOutBooking: either side checks a booking out."""

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, booking_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CheckOutBookingInput:
    booking_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def check_out_booking(input: CheckOutBookingInput, info: Info) -> BookingPayload:
    """Either side checks out a CHECKED_IN booking: its credits are paid to the owner side and
    its impact recorded."""
    booking = await bookings.check_out(
        actor=info.context.require_actor(),
        booking_id=booking_id(input.booking_id),
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
