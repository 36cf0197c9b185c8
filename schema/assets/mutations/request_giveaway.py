"""requestGiveaway: ask for an item someone gives away."""

import strawberry

from app.assets import giveaways
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import GiveawayRequestPayload, optional_id
from schema.assets.mutations.payloads import asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RequestGiveawayInput:
    asset_id: strawberry.ID
    message: str = strawberry.field(default="", description="To the owner side: who you are, why.")
    quantity: int = strawberry.field(default=1, description="Units you would like.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Ask for this organisation (you must belong to it); required when the"
        " item is for organisations only.",
    )


@errors_as_data(AssetError, AssetErrorCode, GiveawayRequestPayload)
async def request_giveaway(input: RequestGiveawayInput, info: Info) -> GiveawayRequestPayload:
    """Asks for a listed giveaway: once per member and item, never your own, within the item's
    audience (NOT_ELIGIBLE otherwise)."""
    request = await giveaways.request_item(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id),
        message=input.message,
        quantity=input.quantity,
        organisation_id=optional_id(input.organisation_id, "Organisation", "organisationId"),
    )
    return GiveawayRequestPayload(giveaway_request=request)  # type: ignore[arg-type]
