"""Reads of links between hubs."""

import strawberry
from strawberry import relay

from app.errors import AccessDenied, DomainError
from app.federation import accounts, guests, links
from schema.context import Info
from schema.errors import BadInput
from schema.federation.types import (
    AccountLink,
    HubLink,
    PartnerOpportunity,
    PartnerOpportunityConnection,
    PartnerOpportunityEdge,
)


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

    @strawberry.field(
        description="A partner hub's opportunities your hub's members may apply to as guests"
        " (applyToPartnerOpportunity), newest first: published, in the categories the link"
        " carries; none unless the link is active both ways. Pages forwards (first/after)."
    )
    async def partner_opportunities(
        self, info: Info, partner_hub_slug: str, first: int = 20, after: str | None = None
    ) -> PartnerOpportunityConnection:
        try:
            page = await guests.partner_opportunities(
                actor=info.context.require_actor(),
                partner_slug=partner_hub_slug,
                first=first,
                after=after,
            )
        except DomainError as exc:
            raise BadInput(str(exc)) from exc
        edges = [
            PartnerOpportunityEdge(cursor=guests.cursor_of(r.id), node=PartnerOpportunity.of(r))
            for r in page.rows
        ]
        return PartnerOpportunityConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
