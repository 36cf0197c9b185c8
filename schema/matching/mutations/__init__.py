"""Notification mutations, one per module."""

import strawberry

from schema.matching.mutations.mark_notifications_read import mark_notifications_read


@strawberry.type
class NotificationMutations:
    mark_notifications_read = strawberry.mutation(resolver=mark_notifications_read)
