"""connectRemoteHubLink: a hub admin agrees a link with a hub on another installation (what
`communityhub federation-connect` does): first without the partner's key, then the partner's
admin with the printed pair and key; the proposer completes it (completeRemoteHubLink)."""

import strawberry

from app.federation import remote
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.types import FederationError, HubLink


@strawberry.input
class ConnectRemoteHubLinkInput:
    partner_hub_slug: str = strawberry.field(description="The partner hub's slug there.")
    partner_name: str = strawberry.field(description="The partner hub's name (statements).")
    partner_url: str = strawberry.field(description="The partner installation's base URL.")
    pair: str | None = strawberry.field(
        default=None, description="The link id the partner's admin gave (when answering)."
    )
    partner_key: str | None = strawberry.field(
        default=None, description="The partner's public key (when answering)."
    )
    rate_numerator: int = strawberry.field(
        default=1, description="One credit here is rateNumerator / rateDenominator of theirs."
    )
    rate_denominator: int = 1
    credit_limit: int = strawberry.field(
        default=0, description="What the partner's members may spend here, net (our credits)."
    )
    categories: list[str] = strawberry.field(
        default_factory=list, description="Allowed categories; empty: any."
    )


@strawberry.type
class ConnectRemoteHubLinkPayload:
    link: HubLink | None = None
    pair: str | None = strawberry.field(
        default=None, description="The link's id on both sides: give it to the partner's admin."
    )
    public_key: str | None = strawberry.field(
        default=None, description="This side's public key: give it to the partner's admin."
    )
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, ConnectRemoteHubLinkPayload)
async def connect_remote_hub_link(
    input: ConnectRemoteHubLinkInput, info: Info
) -> ConnectRemoteHubLinkPayload:
    """ALREADY_LINKED: a link with that hub (or that pair) exists; INVALID: a field."""
    link, public = await remote.connect(
        actor=info.context.require_actor(),
        partner_slug=input.partner_hub_slug,
        partner_name=input.partner_name,
        partner_url=input.partner_url,
        pair=input.pair,
        partner_key=input.partner_key,
        rate_numerator=input.rate_numerator,
        rate_denominator=input.rate_denominator,
        credit_limit=input.credit_limit,
        categories=input.categories,
    )
    return ConnectRemoteHubLinkPayload(
        link=link,  # type: ignore[arg-type]
        pair=str(link.pair),
        public_key=public,
    )
