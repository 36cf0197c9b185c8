"""Calendar feed queries: the viewer's feeds."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.assets.sharing_models import CalendarFeed as CalendarFeedModel
from app.policy import visible
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
        viewer = info.context.viewer
        mine = CalendarFeedModel.filter(hub_id=viewer.hub_id, member_id=viewer.member_id)
        query = await visible(viewer, "CalendarFeed", mine)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]
