"""confirmBooking: the owner side confirms a pending booking."""

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, booking_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ConfirmBookingInput:
    booking_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def confirm_booking(input: ConfirmBookingInput, info: Info) -> BookingPayload:
    """The owner side confirms a PENDING booking (FORBIDDEN for anyone else); the
    `booking.confirmed` webhook event follows."""
    booking = await bookings.confirm(
        actor=info.context.require_actor(),
        booking_id=booking_id(input.booking_id),
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
