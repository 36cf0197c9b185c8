"""Organisation mutations, one per module."""

import strawberry


@strawberry.type
class OrganisationMutations:
    pass
