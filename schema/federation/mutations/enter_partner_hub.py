"""enterPartnerHub: a session of your guest account in a partner hub."""

import strawberry

from app.federation import guests
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.types import FederationError, GuestSession
from schema.relay import encode_id


@strawberry.input
class EnterPartnerHubInput:
    partner_hub_slug: str


@strawberry.type
class EnterPartnerHubPayload:
    session: GuestSession | None = None
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, EnterPartnerHubPayload)
async def enter_partner_hub(input: EnterPartnerHubInput, info: Info) -> EnterPartnerHubPayload:
    """An access token of your guest account in the partner hub (after a first application
    there), for that hub's API: a guest may log hours, withdraw and read their own there."""
    found = await guests.enter(
        actor=info.context.require_actor(), partner_slug=input.partner_hub_slug
    )
    return EnterPartnerHubPayload(
        session=GuestSession(
            access_token=found.access_token,
            expires_at=found.expires_at,
            hub_slug=found.hub.slug,
            guest_id=strawberry.ID(str(encode_id("Member", found.guest.id))),
        )
    )
