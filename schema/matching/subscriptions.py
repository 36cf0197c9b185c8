"""notificationAdded: live notifications for the signed-in member (graphql-transport-ws)."""

from collections.abc import AsyncGenerator

import strawberry

from app.auth import service as auth
from app.errors import NotAuthenticated
from app.matching import live
from app.matching.models import Notification as NotificationModel
from schema.context import Info
from schema.loaders import Loaders
from schema.matching.types import Notification


def _token(info: Info) -> str:
    params = info.context.connection_params or {}
    header = str(params.get("Authorization") or params.get("authorization") or "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated(
            'Send {"Authorization": "Bearer <access token>"} in connection_init.'
        )
    return token.strip()


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(description="Your new notifications as they happen.")
    async def notification_added(self, info: Info) -> AsyncGenerator[Notification, None]:
        actor = info.context.actor or await auth.authenticate(_token(info))
        info.context.actor, info.context.hub_id = actor, actor.hub_id
        async for notification_id in live.listen(actor.member_id):
            # The context lives as long as the socket: fresh loaders for every event.
            info.context.loaders = Loaders(actor.hub_id)
            found = await NotificationModel.get_or_none(
                id=notification_id, hub_id=actor.hub_id, member_id=actor.member_id
            )
            if found is not None:
                yield found  # type: ignore[misc]
