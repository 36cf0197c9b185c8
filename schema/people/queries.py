"""Member queries."""

import strawberry


@strawberry.type
class PeopleQueries:
    pass
