"""cancelBooking: either side cancels a booking."""

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, booking_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CancelBookingInput:
    booking_id: strawberry.ID
    reason: str = strawberry.field(default="", description="Why, for the other side.")


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def cancel_booking(input: CancelBookingInput, info: Info) -> BookingPayload:
    """Either side cancels a PENDING or CONFIRMED booking (the booker's side only before it
    starts). Its credits are released, except when the booker cancels a confirmed booking
    inside the asset's cancelNoticeMinutes: then they are paid to the owner side."""
    booking = await bookings.cancel(
        actor=info.context.require_actor(),
        booking_id=booking_id(input.booking_id),
        reason=input.reason,
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
