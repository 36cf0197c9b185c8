"""Hub mutations, one per module."""

import strawberry

from schema.hubs.mutations.set_name_translation import set_name_translation
from schema.hubs.mutations.update_hub import update_hub


@strawberry.type
class HubMutations:
    update_hub = strawberry.mutation(resolver=update_hub)
    set_name_translation = strawberry.mutation(resolver=set_name_translation)
