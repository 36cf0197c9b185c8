"""cancelCampaign: The owner side calls it off before the deadline: every hold is released."""

import strawberry

from app.campaigns import service
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import CampaignPayload, campaign_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CancelCampaignInput:
    campaign_id: strawberry.ID


@errors_as_data(CampaignError, E, CampaignPayload)
async def cancel_campaign(input: CancelCampaignInput, info: Info) -> CampaignPayload:
    """The owner side calls it off before the deadline: every hold is released."""
    campaign = await service.cancel_campaign(
        actor=info.context.require_actor(), campaign_id=campaign_id(input.campaign_id)
    )
    return CampaignPayload(campaign=campaign)  # type: ignore[arg-type]
