"""Settlement: at the deadline (or on cancellation) every hold of a campaign is posted to its
recipient (success) or voided (failure, cancellation), exactly once, crash-safe.

1. The outcome is decided once, under the campaign's row lock (status SUCCEEDED, FAILED, or the
   CANCELLED the owner set), and committed.
2. Pledges are then settled in batches of CH_SETTLEMENT_BATCH, each one transaction under the
   campaign's lock: its pledges' holds are posted (or voided) in a few set-based statements,
   not one round trip per pledge; each pledge is marked captured (or released) and a group
   buy's orders are written with their redemption codes. A batch commits whole or not at all,
   so a worker killed anywhere leaves every hold either settled or pending for the next run; a
   run that finds nothing left to do changes nothing.
3. The last step, when no pledge is left active: each match pot's one hold (what it matches of
   the pledges now captured, pledges.py) is posted, or voided with any other hold left; hour
   pledges become accepted places on an opportunity the campaign creates (or lapse), the
   outcome's webhook event is emitted and a job tells every backer (notify.py; at most once
   each, notification_campaign_once).

A run stops after half the job timeout and queues its own continuation; the cron sweep
(`sweep`) queues a settlement for any campaign past its deadline, or decided, and unsettled,
that has none waiting.
"""

import time
from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import events, jobs
from app.campaigns.models import (
    LIVE,
    Campaign,
    CampaignKind,
    CampaignStatus,
    InKindKind,
    InKindPledge,
    InKindStatus,
)
from app.campaigns.service import SETTLE_JOB, TELL_JOB, reached_goal, schedule_settlement
from app.config import get_settings
from app.jobs.registry import job
from app.opportunities.models import (
    Application,
    ApplicationStatus,
    Category,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)

# Accounts are locked in id order before any of them changes (as the ledger does).
_LOCK_ACCOUNTS = (
    "SELECT id FROM account WHERE id IN (SELECT source_id FROM transfer WHERE id = ANY($1)"
    " UNION SELECT $2::bigint) ORDER BY id FOR UPDATE"
)
# Posts pending holds: transfers, both entries of each (balance_after running per account in
# transfer order), and each account's balance and held, in one statement.
_POST = """
WITH t AS (
    UPDATE transfer SET status = 'posted', posted_at = $2
    WHERE id = ANY($1) AND status = 'pending'
    RETURNING id, hub_id, source_id, destination_id, amount, category
), legs AS (
    SELECT id AS transfer_id, hub_id, source_id AS account_id, -amount AS amount, category FROM t
    UNION ALL
    SELECT id, hub_id, destination_id, amount, category FROM t
), per_account AS (
    SELECT account_id, sum(amount) AS delta,
           sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS released
    FROM legs GROUP BY account_id
), moved AS (
    UPDATE account a SET balance = a.balance + p.delta, held = a.held - p.released
    FROM per_account p WHERE a.id = p.account_id AND a.id = ANY($3::bigint[])
    RETURNING a.id, a.balance - p.delta AS before
)
INSERT INTO entry (hub_id, transfer_id, account_id, amount, balance_after, category, created_at)
SELECT l.hub_id, l.transfer_id, l.account_id, l.amount,
       m.before + sum(l.amount) OVER (PARTITION BY l.account_id ORDER BY l.transfer_id),
       l.category, $2
FROM legs l JOIN moved m ON m.id = l.account_id
ORDER BY l.transfer_id, l.amount
"""
_VOID = """
WITH t AS (
    UPDATE transfer SET status = 'voided', voided_at = $2
    WHERE id = ANY($1) AND status = 'pending'
    RETURNING source_id, amount
)
UPDATE account a SET held = a.held - s.total
FROM (SELECT source_id, sum(amount) AS total FROM t GROUP BY source_id) s
WHERE a.id = s.source_id AND a.id = ANY($3::bigint[])
"""
_BATCH = (
    "SELECT p.id, p.hold_id FROM campaign_pledge p WHERE p.campaign_id = $1"
    " AND p.status = 'active' ORDER BY p.id LIMIT $2"
)
_POT_HOLDS = (
    "SELECT hold_id FROM campaign_match_pot WHERE campaign_id = $1 AND hold_id IS NOT NULL"
    " ORDER BY id"
)
# Group-buy orders, one per captured pledge, each with a random code (gen_random_uuid draws
# from a strong random source); ON CONFLICT keeps a re-run from writing a second.
_ORDERS = """
INSERT INTO group_buy_order (hub_id, campaign_id, pledge_id, member_id, organisation_id,
    supplier_id, units, unit_price, total, code, status, data, created_at)
SELECT p.hub_id, p.campaign_id, p.id, p.member_id, p.organisation_id, $2, p.units, $3,
       p.amount, upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)), 'open', '{}',
       $4
FROM campaign_pledge p WHERE p.id = ANY($1) AND p.units > 0
ON CONFLICT (hub_id, pledge_id) DO NOTHING
"""


def _conn() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


async def decide(campaign_id: int, *, now: datetime | None = None) -> Campaign | None:
    """Settles the outcome once the deadline has passed; None: not due (or nothing to settle)."""
    now = now or datetime.now(UTC)
    async with in_transaction():
        campaign = await Campaign.select_for_update().get_or_none(id=campaign_id)
        if campaign is None or campaign.settled_at is not None:
            return None
        if campaign.status == CampaignStatus.DRAFT:
            return None
        if campaign.status in LIVE:
            if campaign.deadline > now:
                return None
            succeeded = reached_goal(campaign)
            campaign.status = CampaignStatus.SUCCEEDED if succeeded else CampaignStatus.FAILED
            campaign.closed_at = now
            await campaign.save(update_fields=["status", "closed_at", "updated_at"])
        return campaign


async def settle(campaign_id: int, *, budget_seconds: float | None = None) -> str:
    """Settles what is left of the campaign; returns "settled", "continued" or "not due"."""
    campaign = await decide(campaign_id)
    if campaign is None:
        return "not due"
    started = time.monotonic()
    budget = budget_seconds if budget_seconds is not None else _budget()
    while True:
        async with in_transaction():
            locked = await Campaign.select_for_update().get(id=campaign_id)
            if locked.settled_at is not None:
                return "settled"
            if not await settle_batch(locked, get_settings().settlement_batch):
                await _finish(locked)
                return "settled"
        if time.monotonic() - started > budget:
            async with in_transaction():
                await schedule_settlement(campaign, run_after=None, key=None)
            return "continued"


def _budget() -> float:
    return get_settings().job_timeout_seconds / 2


async def settle_batch(campaign: Campaign, size: int) -> int:
    """One batch under the campaign's lock (held by the caller's transaction): returns how many
    pledges it settled (0: none left)."""
    rows = await _conn().execute_query_dict(_BATCH, [campaign.id, size])
    if not rows:
        return 0
    now = datetime.now(UTC)
    ids = [int(r["id"]) for r in rows]
    holds = [int(r["hold_id"]) for r in rows if r["hold_id"] is not None]
    success = campaign.status == CampaignStatus.SUCCEEDED
    accounts = await _lock_accounts(holds, campaign.recipient_account_id)
    # The entries' window and ordering sorts of 2 x 2 x batch rows spill to disk at the default
    # 4 MB (EXPLAIN ANALYZE at 10,000 pledges: two external merges); this transaction only.
    await _conn().execute_script("SET LOCAL work_mem = '64MB'")
    # One set-based statement for the whole batch: a statement's fixed cost (planning, the
    # CTEs' scans of the recipient's and pot's accounts) is paid once per batch, not per 1,000.
    await _conn().execute_query(_POST if success else _VOID, [holds, now, accounts])
    status = "captured" if success else "released"
    await _conn().execute_query(
        "UPDATE campaign_pledge SET status = $2, updated_at = $3 WHERE id = ANY($1)",
        [ids, status, now],
    )
    if success and campaign.kind == CampaignKind.GROUP_BUY:
        await _conn().execute_query(_ORDERS, [ids, campaign.supplier_id, campaign.unit_price, now])
    return len(ids)


async def _lock_accounts(holds: list[int], recipient_id: int) -> list[int]:
    rows = await _conn().execute_query_dict(_LOCK_ACCOUNTS, [holds, recipient_id])
    return [int(r["id"]) for r in rows]


async def _finish(campaign: Campaign) -> None:
    """No pledge left active: the match pots' holds posted (success) or voided, stray holds
    voided, in-kind pledges settled, the event emitted."""
    now = datetime.now(UTC)
    if campaign.status == CampaignStatus.SUCCEEDED:
        pots = await _conn().execute_query_dict(_POT_HOLDS, [campaign.id])
        if pots:  # every pot holds exactly what it matches of the pledges just captured
            ids = [int(r["hold_id"]) for r in pots]
            accounts = await _lock_accounts(ids, campaign.recipient_account_id)
            await _conn().execute_query(_POST, [ids, now, accounts])
    stray = await _conn().execute_query_dict(
        "SELECT id FROM transfer WHERE hub_id = $1 AND \"group\" = $2 AND status = 'pending'",
        [campaign.hub_id, str(campaign.hold_group)],
    )
    if stray:  # the pots' holds of a campaign that failed or was cancelled
        ids = [int(r["id"]) for r in stray]
        accounts = await _lock_accounts(ids, campaign.recipient_account_id)
        await _conn().execute_query(_VOID, [ids, now, accounts])
    await _settle_in_kind(campaign, now)
    campaign.settled_at = now
    await campaign.save(update_fields=["settled_at", "opportunity_id", "updated_at"])
    event = {
        CampaignStatus.SUCCEEDED: "campaign.succeeded",
        CampaignStatus.FAILED: "campaign.failed",
        CampaignStatus.CANCELLED: "campaign.cancelled",
    }[campaign.status]
    await events.emit(event, {"campaign_id": campaign.id}, key=f"campaign={campaign.id}")
    await jobs.enqueue(
        TELL_JOB,
        {"campaign_id": campaign.id, "what": "outcome"},
        key=f"{TELL_JOB}:outcome:{campaign.id}",
    )


async def _settle_in_kind(campaign: Campaign, now: datetime) -> None:
    active = InKindPledge.filter(campaign_id=campaign.id, status=InKindStatus.ACTIVE)
    if campaign.status != CampaignStatus.SUCCEEDED:
        await active.update(status=InKindStatus.LAPSED)
        return
    hours = await active.filter(kind=InKindKind.HOURS).order_by("id")
    if hours and campaign.opportunity_id is None:
        volunteers = list(dict.fromkeys(h.member_id for h in hours))
        category = await Category.filter(hub_id=campaign.hub_id).order_by("id").first()
        assert category is not None
        opportunity = await Opportunity.create(
            hub_id=campaign.hub_id,
            kind=OpportunityKind.REQUEST,
            status=OpportunityStatus.FILLED,
            title=campaign.title,
            description=f"Volunteers who pledged hours to the project “{campaign.title}”.",
            category_id=category.id,
            poster_id=campaign.created_by_id,
            organisation_id=campaign.owner_organisation_id,
            remote=True,
            places=len(volunteers),
            accepted_count=len(volunteers),
            published_at=now,
        )
        await Application.bulk_create(
            [
                Application(
                    hub_id=campaign.hub_id,
                    opportunity_id=opportunity.id,
                    applicant_id=member_id,
                    message="Pledged hours to the project.",
                    status=ApplicationStatus.ACCEPTED,
                    decided_at=now,
                )
                for member_id in volunteers
            ]
        )
        campaign.opportunity_id = opportunity.id
        by_member = {
            a.applicant_id: a.id for a in await Application.filter(opportunity_id=opportunity.id)
        }
        for row in hours:
            row.application_id = by_member[row.member_id]
            row.status = InKindStatus.ACCEPTED
            await row.save(update_fields=["application_id", "status"])
    await active.update(status=InKindStatus.ACCEPTED)


@job(SETTLE_JOB)
async def settle_job(*, campaign_id: int) -> str:
    """The outbox job (at the deadline, on cancellation, from the sweep, or a continuation)."""
    return await settle(campaign_id)


async def sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Cron: queues a settlement for every campaign due and unsettled that has none waiting."""
    now = now or datetime.now(UTC)
    rows = await _conn().execute_query_dict(
        "SELECT c.id FROM campaign c WHERE c.settled_at IS NULL AND ("
        " (c.status IN ('open', 'tipped') AND c.deadline <= $1)"
        " OR c.status IN ('succeeded', 'failed', 'cancelled'))"
        " AND NOT EXISTS (SELECT 1 FROM outbox_job j WHERE j.name = $2"
        " AND j.status IN ('pending', 'running') AND j.payload->>'campaign_id' = c.id::text)"
        " ORDER BY c.deadline LIMIT $3",
        [now, SETTLE_JOB, limit],
    )
    for row in rows:
        async with in_transaction():
            campaign = await Campaign.get(id=row["id"])
            await schedule_settlement(campaign, run_after=None, key=None)
    return len(rows)
