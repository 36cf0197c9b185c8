"""Calendar feed queries: the viewer's feeds."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.assets import lists
from schema.assets.feed_types import CalendarFeed
from schema.context import Info
from schema.relay import Page


@strawberry.type
class FeedQueries:
    @relay.connection(  # type: ignore[misc]
        Page[CalendarFeed],
        description="Your calendar feeds (without their URLs, shown only when made or"
        " rotated), newest first.",
    )
    async def my_calendar_feeds(self, info: Info) -> Iterable[CalendarFeed]:
        return await lists.calendar_feeds_of(viewer=info.context.viewer)  # type: ignore[return-value]
