"""Every deprecation says what to use instead and when it goes: "... Removal: 2027-06-01"."""

import re
from datetime import date

from graphql import GraphQLSchema

from schema.stability.changes import schema_members

REMOVAL = re.compile(r"Removal: (\d{4}-\d{2}-\d{2})\.?$")


def removal_date(reason: str) -> date | None:
    found = REMOVAL.search(reason.strip())
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None


def undated_deprecations(schema: GraphQLSchema) -> list[str]:
    """Members deprecated without a reason that ends in a valid removal date."""
    return [
        f"{name}: {reason!r}"
        for name, reason in schema_members(schema).items()
        if reason is not None and removal_date(reason) is None
    ]
