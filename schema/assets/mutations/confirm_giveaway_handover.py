"""confirmGiveawayHandover: one side confirms that the item changed hands."""

import strawberry

from app.assets import giveaways
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import GiveawayRequestPayload, giveaway_request_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ConfirmGiveawayHandoverInput:
    giveaway_request_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, GiveawayRequestPayload)
async def confirm_giveaway_handover(
    input: ConfirmGiveawayHandoverInput, info: Info
) -> GiveawayRequestPayload:
    """Your side (the owner's or the requester's) confirms the handover of a chosen request,
    once (ALREADY_CONFIRMED the second time). With both sides' confirmations it is
    HANDED_OVER: its impact is recorded, and the item is REHOMED when nothing is left."""
    request = await giveaways.confirm_handover(
        actor=info.context.require_actor(),
        request_id=giveaway_request_id(input.giveaway_request_id),
    )
    return GiveawayRequestPayload(giveaway_request=request)  # type: ignore[arg-type]
