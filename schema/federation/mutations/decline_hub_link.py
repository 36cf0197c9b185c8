"""declineHubLink: the invited hub's admin refuses, or the proposing hub's admin withdraws."""

import strawberry

from app.federation import links
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload, link_id
from schema.federation.types import FederationError


@strawberry.input
class DeclineHubLinkInput:
    link_id: strawberry.ID


@errors_as_data(FederationError, E, HubLinkPayload)
async def decline_hub_link(input: DeclineHubLinkInput, info: Info) -> HubLinkPayload:
    """NOT_PENDING: the link is not waiting for an answer."""
    link = await links.decline(actor=info.context.require_actor(), link_id=link_id(input.link_id))
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
