"""Member mutations, one per module."""

import strawberry


@strawberry.type
class PeopleMutations:
    pass
