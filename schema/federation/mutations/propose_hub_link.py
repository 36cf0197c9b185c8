"""proposeHubLink: a hub admin offers a link to another hub of this installation."""

import strawberry

from app.federation import links
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload
from schema.federation.types import FederationError


@strawberry.input
class ProposeHubLinkInput:
    partner_hub_slug: str
    rate_numerator: int = strawberry.field(
        default=1, description="One credit here is rateNumerator / rateDenominator of theirs."
    )
    rate_denominator: int = 1
    credit_limit: int = strawberry.field(
        default=0, description="What the partner's members may spend here, net (our credits)."
    )
    partner_credit_limit: int = strawberry.field(
        default=0,
        description="What we ask the partner to let our members spend there, net (their"
        " credits); their admins may change it.",
    )
    categories: list[str] = strawberry.field(
        default_factory=list, description="Allowed categories; empty: any."
    )


@errors_as_data(FederationError, E, HubLinkPayload)
async def propose_hub_link(input: ProposeHubLinkInput, info: Info) -> HubLinkPayload:
    """ALREADY_LINKED: one link per pair of hubs (a declined one may be proposed again)."""
    link = await links.propose(
        actor=info.context.require_actor(),
        partner_slug=input.partner_hub_slug,
        rate_numerator=input.rate_numerator,
        rate_denominator=input.rate_denominator,
        credit_limit=input.credit_limit,
        partner_credit_limit=input.partner_credit_limit,
        categories=input.categories,
    )
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
