"""postCampaignUpdate: news from the owner side; every backer is notified once."""

import strawberry

from app.campaigns import service
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import CampaignUpdatePayload, campaign_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class PostCampaignUpdateInput:
    campaign_id: strawberry.ID
    title: str
    body: str


@errors_as_data(CampaignError, E, CampaignUpdatePayload)
async def post_campaign_update(input: PostCampaignUpdateInput, info: Info) -> CampaignUpdatePayload:
    """News from the owner side; every backer is notified once."""
    update = await service.post_update(
        actor=info.context.require_actor(),
        campaign_id=campaign_id(input.campaign_id),
        title=input.title,
        body=input.body,
    )
    return CampaignUpdatePayload(update=update)  # type: ignore[arg-type]
