"""kill -9 of a real worker in the middle of settling a campaign of 5,000 pledges with a 1:1
match (5,001 holds: one per pledge, one for the match pot): a replacement finishes it, every hold ends posted exactly once, the books
balance, and settling again changes nothing."""

from datetime import UTC, datetime
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import jobs
from app.campaigns import settlement
from app.campaigns.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from app.campaigns.service import schedule_settlement
from app.credits.models import Account
from app.jobs import schedule
from app.matching.models import Notification, NotificationKind
from bench.settlement import seed_campaign
from tests.jobs.invariants import parked_outbox  # noqa: F401  (fixture)
from tests.jobs.pg import end_waiting_sessions, lock_waiters, locks, until  # noqa: F401
from tests.jobs.processes import workers  # noqa: F401  (fixture)

PLEDGES = 5000
AMOUNT = 10
BATCH = 200


async def snapshot(hub_id: int) -> dict[str, Any]:
    """The ledger's invariants, in set-based SQL, and what settlement wrote."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        """
        SELECT
          (SELECT coalesce(sum(balance), 0) FROM account WHERE hub_id = $1)::bigint AS books,
          (SELECT coalesce(sum(held), 0) FROM account WHERE hub_id = $1)::bigint AS held,
          (SELECT count(*) FROM account a WHERE a.hub_id = $1 AND a.held <> (
              SELECT coalesce(sum(t.amount), 0) FROM transfer t
              WHERE t.source_id = a.id AND t.status = 'pending'))::int AS held_not_its_holds,
          (SELECT count(*) FROM account a WHERE a.hub_id = $1 AND a.balance <> (
              SELECT coalesce(sum(e.amount), 0) FROM entry e WHERE e.account_id = a.id)
          )::int AS balance_not_its_entries,
          (SELECT count(*) FROM (SELECT t.id FROM transfer t LEFT JOIN entry e
              ON e.transfer_id = t.id WHERE t.hub_id = $1 GROUP BY t.id, t.status
              HAVING (t.status = 'posted' AND (count(e.id) <> 2 OR sum(e.amount) <> 0))
                  OR (t.status <> 'posted' AND count(e.id) <> 0)) x)::int AS unbalanced,
          (SELECT count(*) FROM account WHERE hub_id = $1 AND overdraft_limit IS NOT NULL
              AND balance - held < -overdraft_limit)::int AS below_limit,
          (SELECT count(*) FROM transfer WHERE hub_id = $1 AND kind = 'pledge'
              AND status = 'posted')::int AS posted,
          (SELECT count(*) FROM transfer WHERE hub_id = $1 AND kind = 'pledge'
              AND status <> 'posted')::int AS not_posted,
          (SELECT count(*) FROM entry e JOIN transfer t ON t.id = e.transfer_id
              WHERE t.hub_id = $1 AND t.kind = 'pledge')::int AS pledge_entries
        """,
        [hub_id],
    )
    return {k: int(v) for k, v in rows[0].items()}


async def test_kill_9_mid_settlement_then_a_new_worker_posts_every_hold_exactly_once(
    hub: Any,
    alice: Any,
    parked_outbox: None,  # noqa: F811
    workers: Any,  # noqa: F811
    locks: asyncpg.Connection,  # noqa: F811
) -> None:
    # given: a project past its deadline that reached its target: 5,000 pledges of 10, each
    # matched 1:1 by a council
    campaign_id = await seed_campaign(hub.id, alice.member.id, pledges=PLEDGES, amount=AMOUNT)
    campaign = await Campaign.get(id=campaign_id)
    # given: a backer's account locked, so the batch that holds their pledge waits there
    middle = await Pledge.filter(campaign_id=campaign_id).order_by("id").offset(2600).first()
    assert middle is not None
    await locks.execute("SELECT 1 FROM account WHERE id = $1 FOR UPDATE", middle.account_id)
    # when: worker A settles in batches of 200 pledges
    worker_a = workers(settlement_batch=BATCH)
    worker_a.wait_ready()
    async with jobs.collecting() as ids, in_transaction():
        await schedule_settlement(campaign, run_after=None, key="crash-test")
    await jobs.relay_collected(ids)

    async def stuck_midway() -> bool:
        return await lock_waiters(locks) >= 1

    await until(stuck_midway, 30, "worker A did not reach the locked account", worker_a)
    captured = await Pledge.filter(campaign_id=campaign_id, status=PledgeStatus.CAPTURED).count()
    assert 0 < captured < PLEDGES, captured  # killed in the middle
    assert (await Campaign.get(id=campaign_id)).status == CampaignStatus.SUCCEEDED
    # when: A is killed, its waiting session ended, the lock let go, and worker B starts
    worker_a.kill9()
    killed = datetime.now(UTC)
    await end_waiting_sessions(locks)
    await locks.execute("ROLLBACK")
    worker_b = workers(settlement_batch=BATCH)

    async def settled() -> bool:
        return (await Campaign.get(id=campaign_id)).settled_at is not None

    deadline = schedule.recovery_deadline().total_seconds() + 30
    await until(settled, deadline, "settlement not finished", worker_b)
    took = (datetime.now(UTC) - killed).total_seconds()
    print(f"\nkill -9 at {captured}/{PLEDGES} pledges; settled {took:.1f} s after the kill")
    # then: every hold posted exactly once; the books balance; nothing held; nobody below limit
    after = await snapshot(hub.id)
    assert after == {
        "books": 0,
        "held": 0,
        "held_not_its_holds": 0,
        "balance_not_its_entries": 0,
        "unbalanced": 0,
        "below_limit": 0,
        "posted": PLEDGES + 1,
        "not_posted": 0,
        "pledge_entries": 2 * (PLEDGES + 1),
    }, after
    recipient = await Account.get(id=campaign.recipient_account_id)
    assert recipient.balance == 2 * PLEDGES * AMOUNT
    assert await Pledge.filter(campaign_id=campaign_id, status=PledgeStatus.CAPTURED).count() == (
        PLEDGES
    )
    told = Notification.filter(hub_id=hub.id, kind=NotificationKind.CAMPAIGN_SUCCEEDED)

    async def everyone_told() -> bool:  # by the job settlement queued when it finished
        return await told.count() == PLEDGES

    await until(everyone_told, 30, "backers not told", worker_b)
    # when: settlement runs again (a late duplicate job, and a batch forced by hand)
    assert await settlement.settle(campaign_id) == "not due"
    async with in_transaction():
        locked = await Campaign.select_for_update().get(id=campaign_id)
        assert await settlement.settle_batch(locked, BATCH) == 0
    # then: nothing changed
    assert await snapshot(hub.id) == after
    assert await told.count() == PLEDGES
