"""GraphQL types of calendar feeds (app/assets/feeds.py)."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.assets.errors import AssetErrorCode
from app.assets.models import Asset as AssetModel
from app.assets.sharing_models import CalendarFeed as CalendarFeedModel
from app.assets.sharing_models import FeedKind
from schema.assets.types import Asset, AssetError
from schema.context import Info
from schema.relay import decode_id, orm_node

CalendarFeedKind = strawberry.enum(
    FeedKind,
    name="CalendarFeedKind",
    description="MEMBER: your bookings, loans due back and accepted shifts. ASSET: an asset's"
    " bookings and loans, for its owner side.",
)


@orm_node(CalendarFeedModel)
@strawberry.type(
    name="CalendarFeed",
    description="A private iCalendar URL (RFC 5545) to subscribe to in a calendar app. Its URL"
    " is shown once, when it is made or rotated; whoever has the URL reads the calendar.",
)
class CalendarFeed(relay.Node):
    id: relay.NodeID[int]
    kind: CalendarFeedKind  # type: ignore[valid-type]
    created_at: datetime
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked: its URL answers 404 (rotate it for a new one)."
    )
    last_read_at: datetime | None = strawberry.field(
        description="When a calendar app last read it (to the hour)."
    )

    @strawberry.field(description="False once revoked.")
    def active(self, root: CalendarFeedModel) -> bool:
        return root.revoked_at is None

    @strawberry.field(description="The asset whose calendar it is (kind ASSET).")
    async def asset(self, root: CalendarFeedModel, info: Info) -> Asset | None:
        if root.asset_id is None:
            return None
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]


@strawberry.type
class CalendarFeedPayload:
    calendar_feed: CalendarFeed | None = None
    url: str | None = strawberry.field(
        default=None,
        description="The feed's URL (…/ical/<token>.ics): shown only now, keep it. Subscribe"
        " to it in a calendar app (webcal:// works too).",
    )
    errors: list[AssetError] = strawberry.field(default_factory=list)


def calendar_feed_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "CalendarFeed", field="calendarFeedId", invalid=AssetErrorCode.INVALID)
