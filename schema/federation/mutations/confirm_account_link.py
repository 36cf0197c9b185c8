"""confirmAccountLink: the other account confirms, with the emailed token or signed in there."""

import strawberry

from app.errors import DomainError
from app.federation import accounts
from app.federation.errors import FederationErrorCode as E
from app.i18n import _
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import AccountLinkPayload, account_link_id
from schema.federation.types import AccountLink, FederationError


@strawberry.input
class ConfirmAccountLinkInput:
    token: str | None = strawberry.field(default=None, description="From the emailed link.")
    link_id: strawberry.ID | None = strawberry.field(
        default=None, description="Signed in as the account asked: the link waiting for it."
    )


@errors_as_data(FederationError, E, AccountLinkPayload)
async def confirm_account_link(input: ConfirmAccountLinkInput, info: Info) -> AccountLinkPayload:
    """INVALID_TOKEN, EXPIRED_TOKEN, TOKEN_USED (confirmed already), EMAIL_NOT_VERIFIED."""
    if input.token is not None:
        link = await accounts.confirm_by_token(token=input.token)
        return AccountLinkPayload(link=AccountLink.of(await accounts.view_for_b(link)))
    if input.link_id is None:
        raise DomainError(E.INVALID, _("Give the token or the link's ID."), "token")
    actor = info.context.require_actor()
    link = await accounts.confirm_signed_in(actor=actor, link_id=account_link_id(input.link_id))
    return AccountLinkPayload(link=AccountLink.of(await accounts.view_for(link, actor=actor)))
