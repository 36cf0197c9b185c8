"""setHubLinkCreditLimit: this hub's credit to the partner's members."""

import strawberry

from app.federation import links
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload, link_id
from schema.federation.types import FederationError


@strawberry.input
class SetHubLinkCreditLimitInput:
    link_id: strawberry.ID
    credit_limit: int = strawberry.field(
        description="How far this hub's clearing account for the partner may go below zero."
    )


@errors_as_data(FederationError, E, HubLinkPayload)
async def set_hub_link_credit_limit(
    input: SetHubLinkCreditLimitInput, info: Info
) -> HubLinkPayload:
    """A lower limit keeps what is owed already; no payment adds to it until back within."""
    link = await links.set_credit_limit(
        actor=info.context.require_actor(),
        link_id=link_id(input.link_id),
        credit_limit=input.credit_limit,
    )
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
