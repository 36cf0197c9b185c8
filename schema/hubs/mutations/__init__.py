"""Hub mutations, one per module."""

import strawberry

from schema.hubs.mutations.update_hub import update_hub


@strawberry.type
class HubMutations:
    update_hub = strawberry.mutation(resolver=update_hub)
