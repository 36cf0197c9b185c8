"""revokeCalendarFeed: the feed's URL stops working."""

import strawberry

from app.assets import feeds
from app.assets.errors import AssetErrorCode
from schema.assets.feed_types import CalendarFeedPayload, calendar_feed_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RevokeCalendarFeedInput:
    calendar_feed_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, CalendarFeedPayload)
async def revoke_calendar_feed(input: RevokeCalendarFeedInput, info: Info) -> CalendarFeedPayload:
    """Its URL answers 404 from now on (revoking twice changes nothing)."""
    feed = await feeds.revoke_feed(
        actor=info.context.require_actor(), feed_id=calendar_feed_id(input.calendar_feed_id)
    )
    return CalendarFeedPayload(calendar_feed=feed)  # type: ignore[arg-type]
