"""removeAccountLink: either account removes the link (pending or active)."""

import strawberry

from app.federation import accounts
from app.federation.errors import FederationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.mutations.payloads import account_link_id
from schema.federation.types import FederationError


@strawberry.input
class RemoveAccountLinkInput:
    link_id: strawberry.ID


@strawberry.type
class RemoveAccountLinkPayload:
    removed_link_id: strawberry.ID | None = None
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, RemoveAccountLinkPayload)
async def remove_account_link(
    input: RemoveAccountLinkInput, info: Info
) -> RemoveAccountLinkPayload:
    """NOT_FOUND: no such link of this account."""
    await accounts.remove_link(
        actor=info.context.require_actor(), link_id=account_link_id(input.link_id)
    )
    return RemoveAccountLinkPayload(removed_link_id=input.link_id)
