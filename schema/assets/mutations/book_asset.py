"""bookAsset: book a slot of a space or piece of equipment."""

from datetime import datetime

import strawberry

from app.assets import bookings
from app.assets.errors import AssetErrorCode
from schema.assets.booking_types import BookingPayload, organisation_id
from schema.assets.mutations.payloads import asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class BookAssetInput:
    asset_id: strawberry.ID
    starts_at: datetime = strawberry.field(description="With a UTC offset.")
    ends_at: datetime = strawberry.field(description="Exclusive: the next slot may start then.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Book for this organisation (you must belong to it); required when the"
        " asset is for organisations only.",
    )
    message: str = strawberry.field(default="", description="To the owner side.")


@errors_as_data(AssetError, AssetErrorCode, BookingPayload)
async def book_asset(input: BookAssetInput, info: Info) -> BookingPayload:
    """Books a slot of a listed BOOKABLE asset: CONFIRMED at once, or PENDING where the owner
    side approves. Refused with SLOT_TAKEN (an overlapping booking holds that time), IN_PAST,
    TOO_SOON (inside its notice), TOO_SHORT, TOO_LONG, OUTSIDE_OPENING_HOURS (the hub's time
    zone), NOT_ELIGIBLE (its audience), OWN_ASSET, INSUFFICIENT_CREDITS (a priced slot holds
    its credits when booked): then nothing is written."""
    booking = await bookings.book(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id),
        starts_at=input.starts_at,
        ends_at=input.ends_at,
        organisation_id=organisation_id(input.organisation_id),
        message=input.message,
    )
    return BookingPayload(booking=booking)  # type: ignore[arg-type]
