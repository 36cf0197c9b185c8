"""acceptHubLink: the invited hub's admin agrees; both hubs open clearing accounts."""

import strawberry

from app.federation import links
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload, link_id
from schema.federation.types import FederationError


@strawberry.input
class AcceptHubLinkInput:
    link_id: strawberry.ID


@errors_as_data(FederationError, E, HubLinkPayload)
async def accept_hub_link(input: AcceptHubLinkInput, info: Info) -> HubLinkPayload:
    """NOT_PENDING: the link is not waiting for an answer."""
    link = await links.accept(actor=info.context.require_actor(), link_id=link_id(input.link_id))
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
