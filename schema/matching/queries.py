"""The notification centre."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.matching.models import Notification as NotificationModel
from app.matching.models import SavedSearch as SavedSearchModel
from app.policy import visible
from schema.context import Info
from schema.matching.types import Notification, SavedSearch
from schema.relay import Page


@strawberry.type
class NotificationQueries:
    @relay.connection(Page[Notification], description="Your notifications, newest first.")  # type: ignore[misc]
    async def notifications(self, info: Info, unread: bool | None = None) -> Iterable[Notification]:
        viewer = info.context.viewer
        query = await visible(
            viewer, "Notification", NotificationModel.filter(hub_id=viewer.hub_id)
        )
        if unread is not None:
            query = query.filter(read_at__isnull=unread)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @relay.connection(Page[SavedSearch], description="Your saved searches.")  # type: ignore[misc]
    async def my_saved_searches(self, info: Info) -> Iterable[SavedSearch]:
        viewer = info.context.viewer
        query = SavedSearchModel.filter(hub_id=viewer.hub_id)
        return (await visible(viewer, "SavedSearch", query)).order_by("id")  # type: ignore[return-value]

    @strawberry.field(description="How many of your notifications are unread.")
    async def unread_notification_count(self, info: Info) -> int:
        viewer = info.context.viewer
        query = NotificationModel.filter(hub_id=viewer.hub_id, read_at__isnull=True)
        return await (await visible(viewer, "Notification", query)).count()
