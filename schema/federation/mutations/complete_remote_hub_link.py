"""completeRemoteHubLink: the proposing admin enters the partner's public key: the link with
the other installation is active (what `communityhub federation-complete` does)."""

import strawberry

from app.federation import remote
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import HubLinkPayload, link_id
from schema.federation.types import FederationError


@strawberry.input
class CompleteRemoteHubLinkInput:
    link_id: strawberry.ID
    partner_key: str = strawberry.field(description="The partner's public key.")


@errors_as_data(FederationError, E, HubLinkPayload)
async def complete_remote_hub_link(input: CompleteRemoteHubLinkInput, info: Info) -> HubLinkPayload:
    """NOT_FOUND: no such link of this hub; NOT_PENDING: not waiting for a key; INVALID."""
    link = await remote.complete(
        actor=info.context.require_actor(),
        link_id=link_id(input.link_id),
        partner_key=input.partner_key,
    )
    return HubLinkPayload(link=link)  # type: ignore[arg-type]
