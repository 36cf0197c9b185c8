"""The notification centre."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.matching.models import Notification as NotificationModel
from app.matching.models import SavedSearch as SavedSearchModel
from schema.context import Info
from schema.matching.types import Notification, SavedSearch
from schema.relay import Page


@strawberry.type
class NotificationQueries:
    @relay.connection(Page[Notification], description="Your notifications, newest first.")  # type: ignore[misc]
    def notifications(self, info: Info, unread: bool | None = None) -> Iterable[Notification]:
        actor = info.context.require_actor()
        query = NotificationModel.filter(hub_id=actor.hub_id, member_id=actor.member_id)
        if unread is not None:
            query = query.filter(read_at__isnull=unread)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @relay.connection(Page[SavedSearch], description="Your saved searches.")  # type: ignore[misc]
    def my_saved_searches(self, info: Info) -> Iterable[SavedSearch]:
        actor = info.context.require_actor()
        return SavedSearchModel.filter(  # type: ignore[return-value]
            hub_id=actor.hub_id, member_id=actor.member_id
        ).order_by("id")

    @strawberry.field(description="How many of your notifications are unread.")
    async def unread_notification_count(self, info: Info) -> int:
        actor = info.context.require_actor()
        return await NotificationModel.filter(
            hub_id=actor.hub_id, member_id=actor.member_id, read_at__isnull=True
        ).count()
