"""requestAccountLink: a member asks to link their account with their account in another hub."""

import strawberry

from app.federation import accounts
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import AccountLinkPayload
from schema.federation.types import AccountLink, FederationError


@strawberry.input
class RequestAccountLinkInput:
    hub_slug: str = strawberry.field(description="The hub of the other account.")
    email: str = strawberry.field(description="The other account's (verified) email there.")


@errors_as_data(FederationError, E, AccountLinkPayload)
async def request_account_link(input: RequestAccountLinkInput, info: Info) -> AccountLinkPayload:
    """Emails a confirmation link to the other account. NOT_FOUND: no such hub; SAME_HUB;
    EMAIL_MISMATCH: no member there has that email; EMAIL_NOT_VERIFIED: either email;
    ALREADY_LINKED. Asking again while pending sends a fresh link."""
    actor = info.context.require_actor()
    link = await accounts.request_link(actor=actor, hub_slug=input.hub_slug, email=input.email)
    return AccountLinkPayload(link=AccountLink.of(await accounts.view_for(link, actor=actor)))
