"""editCampaign: change a draft (any field of its create input but kind and owner), or the
story of an open campaign."""

from datetime import datetime
from typing import Any

import strawberry

from app.campaigns import editing
from app.campaigns.errors import CampaignErrorCode as E
from app.errors import DomainError
from app.i18n import _
from schema.campaigns.mutations.payloads import CampaignPayload, campaign_id, organisation_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input(description="Leave a field out to keep it; null clears one that may be empty.")
class EditCampaignInput:
    campaign_id: strawberry.ID
    title: str | None = strawberry.UNSET
    story: str | None = strawberry.field(
        default=strawberry.UNSET, description="The only field that changes once it is open."
    )
    deadline: datetime | None = strawberry.UNSET
    supplier_id: strawberry.ID | None = strawberry.UNSET
    unit_price: int | None = strawberry.UNSET
    tipping_units: int | None = strawberry.UNSET
    max_units: int | None = strawberry.UNSET
    target: int | None = strawberry.UNSET
    count_in_kind: bool | None = strawberry.UNSET


_REQUIRED = {
    "title": "title",
    "story": "story",
    "deadline": "deadline",
    "supplier_id": "supplierId",
    "count_in_kind": "countInKind",
}


def _changes(input: EditCampaignInput) -> editing.CampaignEdit:
    given: dict[str, Any] = {}
    for name in (
        "title",
        "story",
        "deadline",
        "supplier_id",
        "unit_price",
        "tipping_units",
        "max_units",
        "target",
        "count_in_kind",
    ):
        value = getattr(input, name)
        if value is strawberry.UNSET:
            continue
        if value is None and name in _REQUIRED:
            raise DomainError(E.INVALID, _("This field cannot be emptied."), _REQUIRED[name])
        given[name] = value
    if given.get("supplier_id") is not None:
        given["supplier_id"] = organisation_id(given["supplier_id"], "supplierId")
    return editing.CampaignEdit(**given)


@errors_as_data(CampaignError, E, CampaignPayload)
async def edit_campaign(input: EditCampaignInput, info: Info) -> CampaignPayload:
    """Its owner side changes a draft, or an open campaign's story. Errors: NOT_EDITABLE (a
    field other than the story of an open campaign), INVALID_TRANSITION (it has ended)."""
    campaign = await editing.edit_campaign(
        actor=info.context.require_actor(),
        campaign_id=campaign_id(input.campaign_id),
        changes=_changes(input),
    )
    return CampaignPayload(campaign=campaign)  # type: ignore[arg-type]
