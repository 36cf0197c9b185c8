"""Campaigns: start one (group buy or project), open it, cancel it, post updates, progress.

Editing one is in `editing.py`; pledges are in `pledges.py`, match pots and in-kind pledges
in `funding.py`, settlement in `settlement.py`; backers are told in `notify.py`.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from app import jobs
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.campaigns.access import get_campaign, require_org_role, require_owner_side
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import LIVE, Campaign, CampaignKind, CampaignStatus, CampaignUpdate
from app.credits import ledger
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.organisations.models import Organisation

MAX_UNITS = 1_000_000
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(days=366)
SETTLE_JOB = "campaigns.settle"
TELL_JOB = "campaigns.tell_backers"


@dataclass(frozen=True)
class CampaignInput:
    kind: CampaignKind
    title: str
    deadline: datetime
    story: str = ""
    organisation_id: int | None = None  # the owner organisation (else the member owns it)
    supplier_id: int | None = None
    unit_price: int | None = None
    tipping_units: int | None = None
    max_units: int | None = None
    target: int | None = None
    count_in_kind: bool = False


def _check_kind_fields(bag: ErrorBag, given: CampaignInput) -> None:
    if given.kind == CampaignKind.GROUP_BUY:
        if given.supplier_id is None:
            bag.add(E.INVALID, _("A group buy needs its supplier."), "supplierId")
        if given.unit_price is None or not 0 < given.unit_price <= ledger.MAX_AMOUNT:
            bag.add(E.INVALID, _("A positive unit price in credits."), "unitPrice")
        tip = given.tipping_units
        if tip is None or not 0 < tip <= MAX_UNITS:
            bag.add(
                E.INVALID,
                _("A tipping point of 1 to {MAX_UNITS} units.", MAX_UNITS=MAX_UNITS),
                "tippingUnits",
            )
        elif given.max_units is not None and not tip <= given.max_units <= MAX_UNITS:
            bag.add(E.INVALID, _("At least the tipping point."), "maxUnits")
        if given.target is not None:
            bag.add(E.INVALID, _("A group buy has a tipping point, not a target."), "target")
        if given.count_in_kind:
            bag.add(E.INVALID, _("Only projects take in-kind pledges."), "countInKind")
        return
    if given.target is None or not 0 < given.target <= ledger.MAX_AMOUNT:
        bag.add(E.INVALID, _("A positive target in credits."), "target")
    for name, value in (
        ("supplierId", given.supplier_id),
        ("unitPrice", given.unit_price),
        ("tippingUnits", given.tipping_units),
        ("maxUnits", given.max_units),
    ):
        if value is not None:
            bag.add(E.INVALID, _("Only group buys have this."), name)


def _check_deadline(deadline: datetime, field: str = "deadline") -> None:
    now = datetime.now(UTC)
    if deadline.tzinfo is None:
        raise DomainError(E.INVALID, _("Give the deadline with its time zone."), field)
    if not now + MIN_DURATION <= deadline <= now + MAX_DURATION:
        raise DomainError(E.INVALID, _("Between 5 minutes and a year from now."), field)


def checked_input(given: CampaignInput, *, deadline: bool = True) -> tuple[str, str]:
    """Every field of `given` checked at once (all errors together): its (title, story)."""
    bag = ErrorBag()
    title = story = ""
    with bag.catch():
        title = v.text(given.title, field="title", max_length=160, invalid=E.INVALID)
    with bag.catch():
        story = checked_story(given.story)
    if deadline:
        with bag.catch():
            _check_deadline(given.deadline)
    _check_kind_fields(bag, given)
    bag.raise_if_any()
    return title, story


def checked_story(story: str) -> str:
    return v.text(
        story, field="story", max_length=20_000, invalid=E.INVALID, required=False, multiline=True
    )


async def create_campaign(*, actor: Actor, given: CampaignInput) -> Campaign:
    """A draft campaign owned by the actor (or an organisation they manage)."""
    title, story = checked_input(given)
    if given.organisation_id is not None:
        await require_org_role(actor, given.organisation_id, "organisationId")
    async with in_transaction():
        if given.kind == CampaignKind.GROUP_BUY:
            assert given.supplier_id is not None
            supplier = await Organisation.get_or_none(id=given.supplier_id, hub_id=actor.hub_id)
            if supplier is None:
                raise DomainError(E.NOT_FOUND, _("No such organisation."), "supplierId")
            recipient = await ledger.organisation_account(actor.hub_id, supplier.id)
        elif given.organisation_id is not None:
            recipient = await ledger.organisation_account(actor.hub_id, given.organisation_id)
        else:
            recipient = await ledger.member_account(actor.hub_id, actor.member_id)
        campaign = await Campaign.create(
            hub_id=actor.hub_id,
            kind=given.kind,
            title=title,
            story=story,
            owner_member_id=None if given.organisation_id else actor.member_id,
            owner_organisation_id=given.organisation_id,
            created_by_id=actor.member_id,
            supplier_id=given.supplier_id,
            recipient_account_id=recipient.id,
            unit_price=given.unit_price,
            tipping_units=given.tipping_units,
            max_units=given.max_units,
            target=given.target,
            deadline=given.deadline,
            count_in_kind=given.count_in_kind,
            hold_group=uuid.uuid4(),
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="campaign.create",
            object_type="Campaign",
            object_id=campaign.id,
        )
    return campaign


async def open_campaign(*, actor: Actor, campaign_id: int) -> Campaign:
    """Draft to open: pledges are taken, and settlement is scheduled at the deadline."""
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id, lock=True)
        await require_owner_side(actor, campaign)
        if campaign.status != CampaignStatus.DRAFT:
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The campaign is {value}.", value=campaign.status.value),
                "campaignId",
            )
        _check_deadline(campaign.deadline, "campaignId")
        campaign.status, campaign.opened_at = CampaignStatus.OPEN, datetime.now(UTC)
        await campaign.save(update_fields=["status", "opened_at", "updated_at"])
        await schedule_settlement(campaign, run_after=campaign.deadline, key="deadline")
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="campaign.open",
            object_type="Campaign",
            object_id=campaign.id,
        )
    return campaign


async def schedule_settlement(
    campaign: Campaign, *, run_after: datetime | None, key: str | None
) -> None:
    """Queues the settlement job (in the caller's transaction); `key` makes it once. One due
    later waits in its outbox row, not in the queue, until the sweep wakes it at its time."""
    await jobs.enqueue(
        SETTLE_JOB,
        {"campaign_id": campaign.id},
        key=f"{SETTLE_JOB}:{campaign.id}:{key}" if key else None,
        run_after=run_after,
        wake_when_due=True,
    )


async def cancel_campaign(*, actor: Actor, campaign_id: int) -> Campaign:
    """The owner side calls it off before the deadline: every hold is released."""
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id, lock=True)
        await require_owner_side(actor, campaign)
        if campaign.status not in (CampaignStatus.DRAFT, *LIVE):
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The campaign is {value}.", value=campaign.status.value),
                "campaignId",
            )
        campaign.status, campaign.closed_at = CampaignStatus.CANCELLED, datetime.now(UTC)
        await campaign.save(update_fields=["status", "closed_at", "updated_at"])
        await schedule_settlement(campaign, run_after=None, key="cancel")
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="campaign.cancel",
            object_type="Campaign",
            object_id=campaign.id,
        )
    return campaign


async def post_update(*, actor: Actor, campaign_id: int, title: str, body: str) -> CampaignUpdate:
    """The owner side tells its backers how it is going (each is notified once)."""
    bag = ErrorBag()
    with bag.catch():
        title = v.text(title, field="title", max_length=160, invalid=E.INVALID)
    with bag.catch():
        body = v.text(body, field="body", max_length=10_000, invalid=E.INVALID, multiline=True)
    bag.raise_if_any()
    async with in_transaction():
        campaign = await get_campaign(actor, campaign_id)
        await require_owner_side(actor, campaign)
        if campaign.status == CampaignStatus.DRAFT:
            raise DomainError(E.NOT_OPEN, _("Open the campaign first."), "campaignId")
        update = await CampaignUpdate.create(
            hub_id=actor.hub_id,
            campaign_id=campaign.id,
            author_id=actor.member_id,
            title=title,
            body=body,
        )
        await jobs.enqueue(
            TELL_JOB,
            {"campaign_id": campaign.id, "what": "update", "update_id": update.id},
            key=f"{TELL_JOB}:update:{update.id}",
        )
    return update


@dataclass(frozen=True)
class Progress:
    pledged: int
    matched: int
    in_kind: int
    backers: int
    units: int
    percent: int
    seconds_left: int


def progress(campaign: Campaign, *, now: datetime | None = None) -> Progress:
    """Where it stands: credits pledged and matched, in kind, backers, percent, time left."""
    now = now or datetime.now(UTC)
    if campaign.kind == CampaignKind.GROUP_BUY:
        reached, goal = campaign.units, campaign.tipping_units or 1
    else:
        reached = campaign.pledged + campaign.matched
        reached += campaign.in_kind if campaign.count_in_kind else 0
        goal = campaign.target or 1
    left = 0
    if campaign.status in (CampaignStatus.DRAFT, *LIVE):
        left = max(0, int((campaign.deadline - now).total_seconds()))
    return Progress(
        pledged=campaign.pledged,
        matched=campaign.matched,
        in_kind=campaign.in_kind,
        backers=campaign.backers,
        units=campaign.units,
        percent=reached * 100 // goal,
        seconds_left=left,
    )


def reached_goal(campaign: Campaign) -> bool:
    """Group buy: the tipping point; project: the target (in kind too, if the owner counts it)."""
    if campaign.kind == CampaignKind.GROUP_BUY:
        return campaign.units >= (campaign.tipping_units or 0) > 0
    return progress(campaign).percent >= 100
