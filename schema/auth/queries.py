"""The signed-in member."""

import strawberry

from schema.context import Info
from schema.people.types import Member


@strawberry.type
class AuthQueries:
    @strawberry.field(description="The signed-in member; null when not signed in.")
    def viewer(self, info: Info) -> Member | None:
        ctx = info.context
        if ctx.auth_error is not None:
            raise ctx.auth_error
        return ctx.actor.member if ctx.actor else None  # type: ignore[return-value]
