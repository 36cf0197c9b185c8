"""rotateCalendarFeed: a new URL for a feed; the old one stops working."""

import strawberry

from app.assets import feeds
from app.assets.errors import AssetErrorCode
from schema.assets.feed_types import CalendarFeedPayload, calendar_feed_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RotateCalendarFeedInput:
    calendar_feed_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, CalendarFeedPayload)
async def rotate_calendar_feed(input: RotateCalendarFeedInput, info: Info) -> CalendarFeedPayload:
    """Gives the feed a new URL, shown once (a revoked feed comes back with it); the old URL
    answers 404 at once."""
    feed, token = await feeds.rotate_feed(
        actor=info.context.require_actor(), feed_id=calendar_feed_id(input.calendar_feed_id)
    )
    return CalendarFeedPayload(calendar_feed=feed, url=feeds.url_of(token))  # type: ignore[arg-type]
