"""markNotificationsRead: mark some (or all) of your notifications read."""

import strawberry

from app.matching import inbox
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import PeopleError
from schema.relay import decode_id


@strawberry.input
class MarkNotificationsReadInput:
    notification_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leave out to mark them all read."
    )


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = 0
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, MarkNotificationsReadPayload)
async def mark_notifications_read(
    input: MarkNotificationsReadInput, info: Info
) -> MarkNotificationsReadPayload:
    """Only your own notifications change."""
    ids = None
    if input.notification_ids is not None:
        ids = [
            decode_id(i, "Notification", field="notificationIds", invalid=E.INVALID)
            for i in input.notification_ids
        ]
    marked = await inbox.mark_read(actor=info.context.require_actor(), notification_ids=ids)
    return MarkNotificationsReadPayload(marked=marked)
