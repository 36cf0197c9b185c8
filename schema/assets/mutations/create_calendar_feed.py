"""createCalendarFeed: a private iCalendar URL of your commitments, or of an asset you manage."""

import strawberry

from app.assets import feeds
from app.assets.errors import AssetErrorCode
from schema.assets.feed_types import CalendarFeedPayload
from schema.assets.mutations.payloads import asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CreateCalendarFeedInput:
    asset_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The calendar of this asset (a loan or bookable you manage); none: yours.",
    )


@errors_as_data(AssetError, AssetErrorCode, CalendarFeedPayload)
async def create_calendar_feed(input: CreateCalendarFeedInput, info: Info) -> CalendarFeedPayload:
    """Makes a feed and shows its URL once; a feed you made before of the same calendar is
    revoked (one live URL per calendar)."""
    feed, token = await feeds.create_feed(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id) if input.asset_id is not None else None,
    )
    return CalendarFeedPayload(calendar_feed=feed, url=feeds.url_of(token))  # type: ignore[arg-type]
