"""declineBooking: the owner side declines a pending booking."""

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, booking_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class DeclineBookingInput:
    booking_id: strawberry.ID
    reason: str = strawberry.field(default="", description="Why, for the booker.")


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def decline_booking(input: DeclineBookingInput, info: Info) -> BookingPayload:
    """The owner side declines a PENDING booking: its slot is free again and any credits
    it held are released."""
    booking = await bookings.decline(
        actor=info.context.require_actor(),
        booking_id=booking_id(input.booking_id),
        reason=input.reason,
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
