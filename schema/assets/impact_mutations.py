"""Impact mutations (one per module in schema/assets/mutations/)."""

import strawberry

from schema.assets.mutations.update_impact_factor import update_impact_factor


@strawberry.type
class ImpactMutations:
    update_impact_factor = strawberry.mutation(resolver=update_impact_factor)
