"""withdrawPledge: take a pledge back before the deadline; its hold is released."""

import strawberry

from app.campaigns import pledges
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import PledgePayload, pledge_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class WithdrawPledgeInput:
    pledge_id: strawberry.ID


@errors_as_data(CampaignError, E, PledgePayload)
async def withdraw_pledge(input: WithdrawPledgeInput, info: Info) -> PledgePayload:
    """Its hold and any match are released."""
    pledge = await pledges.withdraw_pledge(
        actor=info.context.require_actor(), pledge_id=pledge_id(input.pledge_id)
    )
    return PledgePayload(pledge=pledge)  # type: ignore[arg-type]
