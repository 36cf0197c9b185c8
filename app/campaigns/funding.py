"""Match pots and in-kind pledges.

A funder (an organisation, e.g. the council) attaches a pot: a ratio, a cap per backer, a total
cap, optionally areas. Its matches are held from the funder's account pledge by pledge, moved as
pledges move (pledges.apply). A pot larger than what the funder has available is refused.

In-kind pledges to a project: hours (with a skill) valued at the hub's credits per hour, or an
item (one of the backer's shared assets, or described) at the value the backer gives it.
"""

from dataclasses import dataclass
from typing import Any

import h3
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets.models import Asset
from app.audit import service as audit
from app.campaigns.access import get_campaign, require_org_role
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import (
    LIVE,
    Campaign,
    CampaignKind,
    CampaignStatus,
    InKindKind,
    InKindPledge,
    InKindStatus,
    MatchPot,
    Pledge,
    PledgeStatus,
)
from app.campaigns.pledges import apply, require_live, require_unpaused
from app.credits import ledger
from app.credits.service import credits_for
from app.errors import DomainError, ErrorBag
from app.hubs.models import Hub
from app.i18n import _
from app.organisations.models import Organisation
from app.people.models import Skill

MAX_AREAS = 50
MAX_MINUTES = 1000 * 60


@dataclass(frozen=True)
class PotInput:
    funder_id: int
    total_cap: int
    ratio_num: int = 1
    ratio_den: int = 1
    cap_per_backer: int | None = None
    areas: tuple[str, ...] = ()


def _check_pot(given: PotInput) -> list[str]:
    bag = ErrorBag()
    with bag.catch():
        ledger.check_amount(given.total_cap, "totalCap")
    for name, value in (("ratioNum", given.ratio_num), ("ratioDen", given.ratio_den)):
        with bag.catch():
            v.int_range(value, field=name, low=1, high=100, invalid=E.INVALID)
    if given.cap_per_backer is not None:
        with bag.catch():
            ledger.check_amount(given.cap_per_backer, "capPerBacker")
    if len(given.areas) > MAX_AREAS:
        bag.add(E.INVALID, _("At most {MAX_AREAS} areas.", MAX_AREAS=MAX_AREAS), "areas")
    elif not all(isinstance(a, str) and h3.is_valid_cell(a) for a in given.areas):
        bag.add(E.INVALID, _("Areas are H3 cells."), "areas")
    bag.raise_if_any()
    return sorted({str(a) for a in given.areas})


async def attach_match_pot(*, actor: Actor, campaign_id: int, given: PotInput) -> MatchPot:
    """An organisation's people match a campaign's pledges; pledges already made are matched."""
    areas = _check_pot(given)
    await require_org_role(actor, given.funder_id, "funderId")
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id, lock=True)
        if campaign.status not in (CampaignStatus.DRAFT, *LIVE):
            raise DomainError(
                E.NOT_OPEN, _("The campaign is {value}.", value=campaign.status.value), "campaignId"
            )
        if not await Organisation.exists(id=given.funder_id, hub_id=actor.hub_id):
            raise DomainError(E.NOT_FOUND, _("No such organisation."), "funderId")
        account = await ledger.organisation_account(actor.hub_id, given.funder_id)
        if account.id == campaign.recipient_account_id:
            raise DomainError(E.OWN_CAMPAIGN, _("The funder receives this campaign."), "funderId")
        if await MatchPot.exists(campaign_id=campaign.id, funder_id=given.funder_id):
            raise DomainError(E.INVALID, _("This funder matches it already."), "funderId")
        account = (await ledger.Account.filter(id=account.id).select_for_update())[0]
        available = account.balance - account.held + (account.overdraft_limit or 0)
        if given.total_cap > available:
            raise DomainError(
                E.POT_TOO_LARGE,
                _("The funder has {max} credits available.", max=max(0, available)),
                "totalCap",
            )
        pot = await MatchPot.create(
            hub_id=actor.hub_id,
            campaign_id=campaign.id,
            funder_id=given.funder_id,
            account_id=account.id,
            created_by_id=actor.member_id,
            ratio_num=given.ratio_num,
            ratio_den=given.ratio_den,
            cap_per_backer=given.cap_per_backer,
            total_cap=given.total_cap,
            areas=areas,
        )
        for row in await Pledge.filter(
            campaign_id=campaign.id, status=PledgeStatus.ACTIVE
        ).order_by("id"):
            await apply(campaign, row, row.amount, row.units)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="campaign.match_pot",
            object_type="Campaign",
            object_id=campaign.id,
            data={"funder_id": given.funder_id, "total_cap": given.total_cap},
        )
    return pot


@dataclass(frozen=True)
class InKindInput:
    kind: InKindKind
    minutes: int = 0
    skill_id: int | None = None
    asset_id: int | None = None
    description: str = ""
    value: int | None = None  # items: credits the backer values it at
    anonymous: bool = False


async def _value(actor: Actor, given: InKindInput) -> dict[str, Any]:
    bag = ErrorBag()
    with bag.catch():
        description = v.text(
            given.description,
            field="description",
            max_length=280,
            invalid=E.INVALID,
            required=given.kind == InKindKind.ITEM and given.asset_id is None,
        )
    if given.kind == InKindKind.HOURS:
        with bag.catch():
            v.int_range(given.minutes, field="minutes", low=15, high=MAX_MINUTES, invalid=E.INVALID)
        if given.skill_id is not None and not await Skill.exists(
            id=given.skill_id, hub_id=actor.hub_id
        ):
            bag.add(E.NOT_FOUND, _("No such skill."), "skillId")
        bag.raise_if_any()
        hub = await Hub.get(id=actor.hub_id)
        value = credits_for(given.minutes, hub.credits_per_hour)
        return {
            "minutes": given.minutes,
            "skill_id": given.skill_id,
            "value": max(1, value),
            "description": description,
        }
    if given.value is None or not 0 < given.value <= ledger.MAX_AMOUNT:
        bag.add(E.INVALID, _("Give the item a positive value in credits."), "value")
    if given.asset_id is not None and not await Asset.exists(
        id=given.asset_id, hub_id=actor.hub_id, owner_member_id=actor.member_id
    ):
        bag.add(E.NOT_FOUND, _("No such asset of yours."), "assetId")
    bag.raise_if_any()
    return {"asset_id": given.asset_id, "value": given.value, "description": description}


async def pledge_in_kind(*, actor: Actor, campaign_id: int, given: InKindInput) -> InKindPledge:
    """Hours or an item for a project, shown beside the credits (counted if the owner allows)."""
    fields = await _value(actor, given)
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id, lock=True)
        require_live(campaign)
        await require_unpaused(campaign)
        if campaign.kind != CampaignKind.PROJECT:
            raise DomainError(E.INVALID, _("Only projects take in-kind pledges."), "campaignId")
        row = await InKindPledge.create(
            hub_id=actor.hub_id,
            campaign_id=campaign.id,
            member_id=actor.member_id,
            kind=given.kind,
            anonymous=given.anonymous,
            **fields,
        )
        campaign.in_kind += row.value
        await campaign.save(update_fields=["in_kind", "updated_at"])
    return row


async def withdraw_in_kind(*, actor: Actor, in_kind_id: int) -> InKindPledge:
    """Takes hours or an item back before the deadline."""
    async with in_transaction():
        found = await InKindPledge.get_or_none(id=in_kind_id, hub_id=actor.hub_id)
        if found is None or found.member_id != actor.member_id:
            raise DomainError(E.NOT_FOUND, _("No such in-kind pledge of yours."), "inKindPledgeId")
        campaign: Campaign = await get_campaign(actor, found.campaign_id, lock=True)
        require_live(campaign)
        row = await InKindPledge.get(id=in_kind_id)
        if row.status != InKindStatus.ACTIVE:
            raise DomainError(
                E.NOT_OPEN, _("It is {value}.", value=row.status.value), "inKindPledgeId"
            )
        row.status = InKindStatus.WITHDRAWN
        await row.save(update_fields=["status"])
        campaign.in_kind -= row.value
        await campaign.save(update_fields=["in_kind", "updated_at"])
    return row
