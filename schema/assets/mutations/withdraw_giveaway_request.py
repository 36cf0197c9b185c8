"""withdrawGiveawayRequest: the requester changes their mind."""

import strawberry

from app.assets import giveaways
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import GiveawayRequestPayload, giveaway_request_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class WithdrawGiveawayRequestInput:
    giveaway_request_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, GiveawayRequestPayload)
async def withdraw_giveaway_request(
    input: WithdrawGiveawayRequestInput, info: Info
) -> GiveawayRequestPayload:
    """The requester's side withdraws a request (a chosen one gives its units back) before
    either side confirmed the handover."""
    request = await giveaways.withdraw_request(
        actor=info.context.require_actor(),
        request_id=giveaway_request_id(input.giveaway_request_id),
    )
    return GiveawayRequestPayload(giveaway_request=request)  # type: ignore[arg-type]
