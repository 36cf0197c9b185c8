"""Reads of links between hubs."""

import strawberry

from app.errors import AccessDenied, DomainError
from app.federation import accounts, links
from schema.context import Info
from schema.federation.types import AccountLink, HubLink


@strawberry.type
class FederationQueries:
    @strawberry.field(description="The hub's links with partner hubs, by partner name.")
    async def hub_links(self, info: Info) -> list[HubLink]:
        try:
            return await links.links_of(actor=info.context.require_actor())  # type: ignore[return-value]
        except DomainError as exc:
            raise AccessDenied(str(exc)) from exc

    @strawberry.field(
        description="Your account's links with your own accounts in other hubs of this"
        " installation (pending and active), by hub name. Only you see them."
    )
    async def account_links(self, info: Info) -> list[AccountLink]:
        views = await accounts.links_of(actor=info.context.require_actor())
        return [AccountLink.of(v) for v in views]
