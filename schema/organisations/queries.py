"""Organisation queries."""

import strawberry


@strawberry.type
class OrganisationQueries:
    pass
