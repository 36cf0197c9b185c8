"""setHubLinkPaused: either hub's admin pauses an active link, or resumes it."""

import strawberry

from app.federation import links
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload, link_id
from schema.federation.types import FederationError


@strawberry.input
class SetHubLinkPausedInput:
    link_id: strawberry.ID
    paused: bool


@errors_as_data(FederationError, E, HubLinkPayload)
async def set_hub_link_paused(input: SetHubLinkPausedInput, info: Info) -> HubLinkPayload:
    """Pausing stops payments both ways. LINK_NOT_ACTIVE: not yet accepted, or declined."""
    link = await links.set_paused(
        actor=info.context.require_actor(), link_id=link_id(input.link_id), paused=input.paused
    )
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
