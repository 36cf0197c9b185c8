"""Editing a campaign: a draft, any field of its create input but its kind and owner (start
another campaign for those); once open, only its story (news goes in updates, which notify
the backers); once ended, nothing. Only its owner side edits it."""

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Final

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.campaigns.access import get_campaign, require_owner_side
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import LIVE, Campaign, CampaignKind, CampaignStatus, MatchPot
from app.campaigns.service import CampaignInput, checked_input, checked_story
from app.credits import ledger
from app.errors import DomainError, DomainErrors
from app.i18n import _
from app.organisations.models import Organisation


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

# Input field names (as the API spells them) of the editable fields.
_FIELD = {
    "title": "title",
    "story": "story",
    "deadline": "deadline",
    "supplier_id": "supplierId",
    "unit_price": "unitPrice",
    "tipping_units": "tippingUnits",
    "max_units": "maxUnits",
    "target": "target",
    "count_in_kind": "countInKind",
}


@dataclass(frozen=True)
class CampaignEdit:
    """What to change; UNSET leaves a field as it is, None clears a field that may be empty."""

    title: str | _Unset = UNSET
    story: str | _Unset = UNSET
    deadline: datetime | _Unset = UNSET
    supplier_id: int | _Unset = UNSET
    unit_price: int | _Unset | None = UNSET
    tipping_units: int | _Unset | None = UNSET
    max_units: int | _Unset | None = UNSET
    target: int | _Unset | None = UNSET
    count_in_kind: bool | _Unset = UNSET

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


def _as_input(campaign: Campaign) -> CampaignInput:
    return CampaignInput(
        kind=campaign.kind,
        title=campaign.title,
        deadline=campaign.deadline,
        story=campaign.story,
        organisation_id=campaign.owner_organisation_id,
        supplier_id=campaign.supplier_id,
        unit_price=campaign.unit_price,
        tipping_units=campaign.tipping_units,
        max_units=campaign.max_units,
        target=campaign.target,
        count_in_kind=campaign.count_in_kind,
    )


async def edit_campaign(*, actor: Actor, campaign_id: int, changes: CampaignEdit) -> Campaign:
    """Changes a draft's fields, or an open campaign's story; nothing is written on an error."""
    given = changes.given()
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id, lock=True)
        await require_owner_side(actor, campaign)
        if not given:
            raise DomainError(E.INVALID, _("Give at least one field to change."), None)
        if campaign.status in LIVE:
            fixed = [name for name in _FIELD if name in given and name != "story"]
            if fixed:
                raise DomainErrors(
                    [
                        DomainError(
                            E.NOT_EDITABLE,
                            _("Once open only the story changes: post an update for news."),
                            _FIELD[name],
                        )
                        for name in fixed
                    ]
                )
            campaign.story = checked_story(str(given["story"]))
            await campaign.save(update_fields=["story", "updated_at"])
        elif campaign.status == CampaignStatus.DRAFT:
            await _edit_draft(campaign, given)
        else:
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The campaign is {value}.", value=campaign.status.value),
                "campaignId",
            )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="campaign.edit",
            object_type="Campaign",
            object_id=campaign.id,
            data={"fields": sorted(_FIELD[name] for name in given)},
        )
    return campaign


async def _edit_draft(campaign: Campaign, given: dict[str, Any]) -> None:
    """The draft with `given` applied, checked as createCampaign checks its input (the deadline
    only when it changes: openCampaign checks it again)."""
    merged = replace(_as_input(campaign), **given)
    title, story = checked_input(merged, deadline="deadline" in given)
    if "supplier_id" in given and merged.kind == CampaignKind.GROUP_BUY:
        assert merged.supplier_id is not None
        supplier = await Organisation.get_or_none(id=merged.supplier_id, hub_id=campaign.hub_id)
        if supplier is None:
            raise DomainError(E.NOT_FOUND, _("No such organisation."), "supplierId")
        recipient = await ledger.organisation_account(campaign.hub_id, supplier.id)
        if await MatchPot.exists(campaign_id=campaign.id, account_id=recipient.id):
            raise DomainError(
                E.OWN_CAMPAIGN, _("This supplier matches the campaign."), "supplierId"
            )
        campaign.recipient_account_id = recipient.id
    campaign.title, campaign.story = title, story
    campaign.deadline = merged.deadline
    campaign.supplier_id = merged.supplier_id
    campaign.unit_price = merged.unit_price
    campaign.tipping_units = merged.tipping_units
    campaign.max_units = merged.max_units
    campaign.target = merged.target
    campaign.count_in_kind = merged.count_in_kind
    await campaign.save()
