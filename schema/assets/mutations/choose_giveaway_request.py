"""chooseGiveawayRequest: the owner side chooses who gets the item."""

import strawberry

from app.assets import giveaways
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import GiveawayRequestPayload, giveaway_request_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ChooseGiveawayRequestInput:
    giveaway_request_id: strawberry.ID
    quantity: int | None = strawberry.field(
        default=None, description="Units to give (at most those asked for); all when left out."
    )


@errors_as_data(AssetError, AssetErrorCode, GiveawayRequestPayload)
async def choose_giveaway_request(
    input: ChooseGiveawayRequestInput, info: Info
) -> GiveawayRequestPayload:
    """The owner side chooses a pending request, reserving its units (NOTHING_LEFT when fewer
    are left); the requester then sees the place and contact."""
    request = await giveaways.choose_request(
        actor=info.context.require_actor(),
        request_id=giveaway_request_id(input.giveaway_request_id),
        quantity=input.quantity,
    )
    return GiveawayRequestPayload(giveaway_request=request)  # type: ignore[arg-type]
