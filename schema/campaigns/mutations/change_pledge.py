"""changePledge: raise or lower a pledge before the deadline; the hold moves."""

import strawberry

from app.campaigns import pledges
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import PledgePayload, pledge_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ChangePledgeInput:
    pledge_id: strawberry.ID
    amount: int | None = strawberry.field(default=None, description="Projects: the new credits.")
    units: int | None = strawberry.field(default=None, description="Group buys: the new units.")
    idempotency_key: str


@errors_as_data(CampaignError, E, PledgePayload)
async def change_pledge(input: ChangePledgeInput, info: Info) -> PledgePayload:
    """The new amount is held and the old hold released; the balance does not move."""
    pledge = await pledges.change_pledge(
        actor=info.context.require_actor(),
        pledge_id=pledge_id(input.pledge_id),
        given=pledges.Amount(amount=input.amount, units=input.units),
        idempotency_key=input.idempotency_key,
    )
    return PledgePayload(pledge=pledge)  # type: ignore[arg-type]
