"""Notification mutations, one per module."""

import strawberry

from schema.matching.mutations.delete_saved_search import delete_saved_search
from schema.matching.mutations.mark_notifications_read import mark_notifications_read
from schema.matching.mutations.save_search import save_search


@strawberry.type
class NotificationMutations:
    mark_notifications_read = strawberry.mutation(resolver=mark_notifications_read)
    save_search = strawberry.mutation(resolver=save_search)
    delete_saved_search = strawberry.mutation(resolver=delete_saved_search)
