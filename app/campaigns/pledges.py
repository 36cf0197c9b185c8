"""Pledges: each holds the backer's credits at once; raising, lowering or withdrawing it moves
the hold (the old one voided, a new one made), never the balance. Match pots follow the pledge.

A match pot holds what it matches as one hold from the funder, made again for the new total
whenever a pledge's match changes (settlement then posts one hold per pot, not one per pledge).

Every change runs under the campaign's row lock, so totals, the maximum and the tipping point
are decided one pledge at a time: 200 racing pledges for the last units get exactly what is left.
Accounts are then locked in id order (the pledger's and every funder's) before the ledger moves
anything, as payment requests do, so two campaigns sharing backers and funders never deadlock.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import h3
from tortoise.transactions import in_transaction

from app import events, jobs
from app.actor import Actor
from app.campaigns.access import get_campaign, require_org_role
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import (
    LIVE,
    Campaign,
    CampaignKind,
    CampaignStatus,
    MatchPot,
    MatchShare,
    Pledge,
    PledgeStatus,
)
from app.campaigns.service import MAX_UNITS, TELL_JOB, schedule_settlement
from app.credits import idempotency, ledger
from app.credits.models import Account, TransferKind
from app.errors import DomainError
from app.i18n import _
from app.moderation.models import Target
from app.moderation.visibility import is_hidden
from app.people.models import Member


@dataclass(frozen=True)
class Amount:
    """What a pledge is: credits (projects) or units (group buys)."""

    amount: int | None = None
    units: int | None = None


def require_live(campaign: Campaign, *, now: datetime | None = None) -> None:
    """Open (or tipped) and before its deadline, or a typed error."""
    if sold_out(campaign):
        raise DomainError(
            E.BEYOND_MAXIMUM,
            _(
                "It closed at its maximum: all {max_units} units are pledged.",
                max_units=campaign.max_units,
            ),
            "campaignId",
        )
    if campaign.status not in LIVE:
        raise DomainError(
            E.NOT_OPEN, _("The campaign is {value}.", value=campaign.status.value), "campaignId"
        )
    if campaign.deadline <= (now or datetime.now(UTC)):
        raise DomainError(E.DEADLINE_PASSED, _("The campaign's deadline has passed."), "campaignId")


async def require_unpaused(campaign: Campaign) -> None:
    """A campaign the moderators hid, or whose owner is suspended, takes no new pledge (its
    backers may still lower or withdraw theirs)."""
    if await is_hidden(hub_id=campaign.hub_id, target=Target.CAMPAIGN, object_id=campaign.id):
        raise DomainError(
            E.PAUSED, _("The moderators have paused this campaign: it takes no new pledges."),
            "campaignId",
        )  # fmt: skip


def _credits(campaign: Campaign, given: Amount) -> tuple[int, int]:
    """(credits, units) of a pledge of `given`; zero or less is refused."""
    if campaign.kind == CampaignKind.GROUP_BUY:
        if given.amount is not None:
            raise DomainError(E.INVALID, _("Pledge units to a group buy."), "amount")
        if given.units is None or not 0 < given.units <= MAX_UNITS:
            raise DomainError(E.INVALID, _("Pledge a positive number of units."), "units")
        assert campaign.unit_price is not None
        return ledger.check_amount(given.units * campaign.unit_price, "units"), given.units
    if given.units is not None:
        raise DomainError(E.INVALID, _("Pledge credits to a project."), "units")
    if given.amount is None or not 0 < given.amount <= ledger.MAX_AMOUNT:
        raise DomainError(E.INVALID, _("Pledge a positive number of credits."), "amount")
    return given.amount, 0


async def pledge(
    *,
    actor: Actor,
    campaign_id: int,
    given: Amount,
    organisation_id: int | None = None,
    anonymous: bool = False,
    idempotency_key: str,
) -> Pledge:
    """Backs a campaign: the credits are held at once (for an organisation, from its account)."""
    if organisation_id is not None:
        await require_org_role(actor, organisation_id, "organisationId")
    params = {
        "campaign": campaign_id,
        "amount": given.amount,
        "units": given.units,
        "organisation": organisation_id,
        "anonymous": anonymous,
    }
    made: list[Pledge] = []

    async def effect() -> dict[str, Any]:
        campaign = await get_campaign(actor, campaign_id, lock=True)
        require_live(campaign)
        await require_unpaused(campaign)
        amount, units = _credits(campaign, given)
        if organisation_id is not None:
            account = await ledger.organisation_account(actor.hub_id, organisation_id)
        else:
            account = await ledger.member_account(actor.hub_id, actor.member_id)
        if account.id == campaign.recipient_account_id:
            raise DomainError(
                E.OWN_CAMPAIGN, _("This account receives the campaign's credits."), "campaignId"
            )
        found = await Pledge.get_or_none(
            hub_id=actor.hub_id, campaign_id=campaign.id, account_id=account.id
        )
        if found is not None and found.status == PledgeStatus.ACTIVE:
            raise DomainError(
                E.ALREADY_PLEDGED, _("You back it already: change that pledge."), "campaignId"
            )
        if found is None:
            member = await Member.get(id=actor.member_id)
            found = await Pledge.create(
                hub_id=actor.hub_id,
                campaign_id=campaign.id,
                member_id=actor.member_id,
                organisation_id=organisation_id,
                account_id=account.id,
                status=PledgeStatus.WITHDRAWN,
                anonymous=anonymous,
                cell=None if organisation_id else member.home_cell,
            )
        found.anonymous = anonymous
        await apply(campaign, found, amount, units)
        made.append(found)
        return {"pledge_id": found.id}

    async with in_transaction():
        result = await idempotency.once(
            actor=actor, key=idempotency_key, operation="pledge", params=params, effect=effect
        )
    return made[0] if made else await Pledge.get(id=result["pledge_id"])


async def _own_pledge(actor: Actor, pledge_id: int) -> tuple[Campaign, Pledge]:
    """The campaign (locked first) and the actor's pledge (theirs or their organisation's)."""
    found = await Pledge.get_or_none(id=pledge_id, hub_id=actor.hub_id)
    if found is None:
        raise DomainError(E.NOT_FOUND, _("No such pledge."), "pledgeId")
    campaign = await get_campaign(actor, found.campaign_id, lock=True)
    row = await Pledge.get(id=pledge_id)
    if row.organisation_id is not None:
        await require_org_role(actor, row.organisation_id, "pledgeId")
    elif row.member_id != actor.member_id:
        raise DomainError(E.FORBIDDEN, _("This is not your pledge."), "pledgeId")
    require_live(campaign)
    if row.status != PledgeStatus.ACTIVE:
        raise DomainError(
            E.NOT_OPEN, _("The pledge is {value}.", value=row.status.value), "pledgeId"
        )
    return campaign, row


async def change_pledge(
    *, actor: Actor, pledge_id: int, given: Amount, idempotency_key: str
) -> Pledge:
    """Raises or lowers a pledge before the deadline: its hold moves, the balance does not."""

    async def effect() -> dict[str, Any]:
        campaign, row = await _own_pledge(actor, pledge_id)
        amount, units = _credits(campaign, given)
        await apply(campaign, row, amount, units)
        return {"pledge_id": row.id}

    async with in_transaction():
        await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="change_pledge",
            params={"pledge": pledge_id, "amount": given.amount, "units": given.units},
            effect=effect,
        )
    return await Pledge.get(id=pledge_id)


async def withdraw_pledge(*, actor: Actor, pledge_id: int) -> Pledge:
    """Takes a pledge back before the deadline: its hold (and any match) is released."""
    async with in_transaction():
        campaign, row = await _own_pledge(actor, pledge_id)
        await apply(campaign, row, 0, 0)
    return row


async def _lock_accounts(account_ids: list[int]) -> None:
    await Account.filter(id__in=sorted(set(account_ids))).order_by("id").select_for_update()


async def apply(campaign: Campaign, row: Pledge, amount: int, units: int) -> None:
    """Sets the (locked) campaign's pledge `row` to `amount` credits and `units`: the hold,
    every match share, the campaign's totals and its tipping point follow. 0 withdraws."""
    if campaign.max_units is not None:
        after = campaign.units - row.units + units
        if after > campaign.max_units:
            left = campaign.max_units - campaign.units + row.units
            raise DomainError(
                E.BEYOND_MAXIMUM,
                _("Only {left} units are left of the maximum.", left=left),
                "units",
            )
    pots = await MatchPot.filter(campaign_id=campaign.id).order_by("id")
    await _lock_accounts([row.account_id, *(p.account_id for p in pots)])
    was_active = row.status == PledgeStatus.ACTIVE and row.amount > 0
    if row.hold_id is not None and row.amount != amount:
        await ledger.void_hold(row.hold_id)
        row.hold_id = None
    if amount > 0 and row.hold_id is None:
        hold = await ledger.hold(
            source=await Account.get(id=row.account_id),
            destination=await Account.get(id=campaign.recipient_account_id),
            amount=amount,
            kind=TransferKind.PLEDGE,
            memo=campaign.title[:280],
            category="pledges",
            group=campaign.hold_group,
            data={"campaign_id": campaign.id},
        )
        row.hold_id = hold.id
    campaign.pledged += amount - row.amount
    campaign.units += units - row.units
    campaign.backers += (amount > 0) - was_active
    row.amount, row.units = amount, units
    row.status = PledgeStatus.ACTIVE if amount > 0 else PledgeStatus.WITHDRAWN
    matched = 0
    for pot in pots:
        matched += await _rematch(campaign, pot, row)
    campaign.matched += matched - row.matched
    row.matched = matched
    await row.save()
    await _tip(campaign)
    await _close_when_full(campaign)
    await campaign.save(
        update_fields=[
            "pledged",
            "units",
            "backers",
            "matched",
            "status",
            "tipped_at",
            "closed_at",
            "updated_at",
        ]
    )


def _in_areas(cell: str | None, areas: list[str]) -> bool:
    if not areas:
        return True
    if not cell:
        return False
    resolution = h3.get_resolution(cell)
    for area in areas:
        area_res = h3.get_resolution(area)
        if area_res <= resolution and h3.cell_to_parent(cell, area_res) == area:
            return True
    return False


def match_for(pot: MatchPot, row: Pledge, already: int) -> int:
    """What `pot` gives the pledge: its ratio, within the backer's cap and what the pot has left
    (`already` is what it gives the pledge now)."""
    if row.status != PledgeStatus.ACTIVE or not _in_areas(row.cell, pot.areas):
        return 0
    want = row.amount * pot.ratio_num // pot.ratio_den
    if pot.cap_per_backer is not None:
        want = min(want, pot.cap_per_backer)
    return max(0, min(want, pot.total_cap - pot.matched + already))


async def _rematch(campaign: Campaign, pot: MatchPot, row: Pledge) -> int:
    """Moves the pot's share of the pledge to what it should match now (the pot's one hold
    follows); returns that amount."""
    share = await MatchShare.get_or_none(hub_id=campaign.hub_id, pot_id=pot.id, pledge_id=row.id)
    already = share.amount if share else 0
    want = match_for(pot, row, already)
    if want > already:  # a funder who spent meanwhile matches what it has
        funder = await Account.get(id=pot.account_id)
        room = funder.balance - funder.held + (funder.overdraft_limit or 0)
        want = already + min(want - already, max(0, room))
    if want == already:
        return want
    if share is None:
        share = MatchShare(hub_id=campaign.hub_id, pot_id=pot.id, pledge_id=row.id)
    pot.matched += want - already
    await _hold_pot(campaign, pot)
    share.amount = want
    await share.save()
    return want


async def _hold_pot(campaign: Campaign, pot: MatchPot) -> None:
    """The pot's hold made again for its total: the old one voided, a new one of `matched`
    (none at 0). Its funder's account is locked by the caller (apply)."""
    if pot.hold_id is not None:
        await ledger.void_hold(pot.hold_id)
        pot.hold_id = None
    if pot.matched > 0:
        hold = await ledger.hold(
            source=await Account.get(id=pot.account_id),
            destination=await Account.get(id=campaign.recipient_account_id),
            amount=pot.matched,
            kind=TransferKind.PLEDGE,
            memo=f"Match: {campaign.title}"[:280],
            category="match funding",
            group=campaign.hold_group,
            data={"campaign_id": campaign.id, "pot_id": pot.id},
        )
        pot.hold_id = hold.id
    await pot.save(update_fields=["matched", "hold_id"])


def sold_out(campaign: Campaign) -> bool:
    """A group buy that closed at its maximum (see _close_when_full)."""
    return (
        campaign.kind == CampaignKind.GROUP_BUY
        and campaign.max_units is not None
        and campaign.units >= campaign.max_units
        and campaign.status == CampaignStatus.SUCCEEDED
    )


async def _close_when_full(campaign: Campaign) -> None:
    """A group buy that reaches its maximum closes at once: it has tipped (the maximum is at
    least the tipping point), so its outcome is decided now (SUCCEEDED) and it settles now, not
    at the deadline: no more pledges, and its backers' pledges can no longer move (a
    withdrawal would reopen what closed), the supplier gets its orders and the backers their
    codes without waiting for the deadline."""
    if (
        campaign.kind != CampaignKind.GROUP_BUY
        or campaign.max_units is None
        or campaign.units < campaign.max_units
        or campaign.status not in LIVE
    ):
        return
    campaign.status, campaign.closed_at = CampaignStatus.SUCCEEDED, datetime.now(UTC)
    await schedule_settlement(campaign, run_after=None, key="full")


async def _tip(campaign: Campaign) -> None:
    """A group buy tips when it reaches its tipping point (backers told once, a webhook sent)
    and goes back to open if pledges fall below it again before the deadline."""
    if campaign.kind != CampaignKind.GROUP_BUY:
        return
    reached = campaign.units >= (campaign.tipping_units or 0)
    if reached and campaign.status == CampaignStatus.OPEN:
        campaign.status = CampaignStatus.TIPPED
        first = campaign.tipped_at is None
        campaign.tipped_at = campaign.tipped_at or datetime.now(UTC)
        if first:
            await events.emit(
                "campaign.tipped", {"campaign_id": campaign.id}, key=f"campaign={campaign.id}"
            )
            await jobs.enqueue(
                TELL_JOB,
                {"campaign_id": campaign.id, "what": "tipped"},
                key=f"{TELL_JOB}:tipped:{campaign.id}",
            )
    elif not reached and campaign.status == CampaignStatus.TIPPED:
        campaign.status = CampaignStatus.OPEN
