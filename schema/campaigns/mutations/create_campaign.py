"""createCampaign: a draft group buy or community project."""

from datetime import datetime

import strawberry

from app.campaigns import service
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import CampaignPayload, organisation_id
from schema.campaigns.types import CampaignError, CampaignKind
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CreateCampaignInput:
    kind: CampaignKind  # type: ignore[valid-type]
    title: str
    deadline: datetime = strawberry.field(description="5 minutes to a year from now.")
    story: str = ""
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Owned by this organisation (you are its owner or admin)."
    )
    supplier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Group buys: the selling organisation, paid at success."
    )
    unit_price: int | None = None
    tipping_units: int | None = None
    max_units: int | None = None
    target: int | None = strawberry.field(default=None, description="Projects: credits.")
    count_in_kind: bool = strawberry.field(
        default=False, description="Projects: in-kind pledges count toward the target."
    )


@errors_as_data(CampaignError, E, CampaignPayload)
async def create_campaign(input: CreateCampaignInput, info: Info) -> CampaignPayload:
    """A draft campaign; `openCampaign` starts taking pledges."""
    campaign = await service.create_campaign(
        actor=info.context.require_actor(),
        given=service.CampaignInput(
            kind=input.kind,
            title=input.title,
            deadline=input.deadline,
            story=input.story,
            organisation_id=organisation_id(input.organisation_id, "organisationId"),
            supplier_id=organisation_id(input.supplier_id, "supplierId"),
            unit_price=input.unit_price,
            tipping_units=input.tipping_units,
            max_units=input.max_units,
            target=input.target,
            count_in_kind=input.count_in_kind,
        ),
    )
    return CampaignPayload(campaign=campaign)  # type: ignore[arg-type]
