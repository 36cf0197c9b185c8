"""withdrawInKindPledge: take hours or an item back before the deadline."""

import strawberry

from app.campaigns import funding
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import InKindPledgePayload
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class WithdrawInKindPledgeInput:
    in_kind_pledge_id: strawberry.ID


@errors_as_data(CampaignError, E, InKindPledgePayload)
async def withdraw_in_kind_pledge(
    input: WithdrawInKindPledgeInput, info: Info
) -> InKindPledgePayload:
    """Its value leaves the campaign's in-kind total. Errors: NOT_FOUND (not yours),
    NOT_OPEN (the campaign or the pledge is no longer open), DEADLINE_PASSED."""
    row = await funding.withdraw_in_kind(
        actor=info.context.require_actor(),
        in_kind_id=decode_id(
            input.in_kind_pledge_id, "InKindPledge", field="inKindPledgeId", invalid=E.INVALID
        ),
    )
    return InKindPledgePayload(in_kind_pledge=row)  # type: ignore[arg-type]
