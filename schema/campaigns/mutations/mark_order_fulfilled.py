"""markOrderFulfilled: the supplier hands a group-buy order over against its code."""

import strawberry

from app.campaigns import orders
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import GroupBuyOrderPayload
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class MarkOrderFulfilledInput:
    order_id: strawberry.ID
    code: str = strawberry.field(description="The code the buyer shows.")


@errors_as_data(CampaignError, E, GroupBuyOrderPayload)
async def mark_order_fulfilled(input: MarkOrderFulfilledInput, info: Info) -> GroupBuyOrderPayload:
    """Once per order; the code must be the order's."""
    order = await orders.mark_fulfilled(
        actor=info.context.require_actor(),
        order_id=decode_id(input.order_id, "GroupBuyOrder", field="orderId", invalid=E.INVALID),
        code=input.code,
    )
    return GroupBuyOrderPayload(order=order)  # type: ignore[arg-type]
