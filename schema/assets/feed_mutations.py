"""Calendar feed mutations (one per module in schema/assets/mutations/)."""

import strawberry

from schema.assets.mutations.create_calendar_feed import create_calendar_feed
from schema.assets.mutations.revoke_calendar_feed import revoke_calendar_feed
from schema.assets.mutations.rotate_calendar_feed import rotate_calendar_feed


@strawberry.type
class FeedMutations:
    create_calendar_feed = strawberry.mutation(resolver=create_calendar_feed)
    rotate_calendar_feed = strawberry.mutation(resolver=rotate_calendar_feed)
    revoke_calendar_feed = strawberry.mutation(resolver=revoke_calendar_feed)
