"""openCampaign: Draft to open: pledges are taken until the deadline, when it settles."""

import strawberry

from app.campaigns import service
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import CampaignPayload, campaign_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class OpenCampaignInput:
    campaign_id: strawberry.ID


@errors_as_data(CampaignError, E, CampaignPayload)
async def open_campaign(input: OpenCampaignInput, info: Info) -> CampaignPayload:
    """Draft to open: pledges are taken until the deadline, when it settles."""
    campaign = await service.open_campaign(
        actor=info.context.require_actor(), campaign_id=campaign_id(input.campaign_id)
    )
    return CampaignPayload(campaign=campaign)  # type: ignore[arg-type]
