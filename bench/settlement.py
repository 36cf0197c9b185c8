"""Benchmark: settling one campaign of 100,000 pledges with a 1:1 match, by a real worker.

    uv run python -m bench.settlement [--pledges 100000] [--batch 10000]

Creates its own `ch_bench_*` database on the server of CH_DATABASE_URL (and a Redis prefix of
its own), loads a project whose deadline has passed, with N backers each holding a pledge and a
council's 1:1 match held by its pot's one hold (N + 1 pending holds; funding written as posted
transfers with their entries), starts `communityhub worker`, queues the settlement and times
it from the queueing to `settled_at`; the worker's peak RSS is its VmHWM. Checks the books
afterwards: every hold posted once, the recipient paid 2N x amount, balances sum to zero,
nothing held.
Goal (issue 14): under 20 s and under 250 MB.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.procs import db_url, peak_rss_mb

COMMUNITYHUB = str(Path(sys.executable).parent / "communityhub")

_MEMBERS = """
INSERT INTO member (hub_id, display_name, created_at, updated_at, bio, interests, travel_km,
    availability, notification_prefs, is_proxy, status)
SELECT $1, 'Backer ' || n, now(), now(), '', '[]', 5, '[]', '{}', false, 'active'
FROM generate_series(1, $2) AS n
RETURNING id
"""
_ACCOUNTS = """
INSERT INTO account (hub_id, kind, member_id, balance, held, overdraft_limit, created_at)
SELECT $1, 'member', m, 0, 0, 0, now() FROM unnest($2::bigint[]) AS m
RETURNING id, member_id
"""
# Funding as posted transfers from the hub's issuance account, with both entries each.
_FUND = """
WITH t AS (
    INSERT INTO transfer (hub_id, kind, status, amount, source_id, destination_id, memo,
        category, data, posted_at, created_at)
    SELECT $1, 'adjustment', 'posted', $3, $4, a, 'seed', 'adjustments', '{}', now(), now()
    FROM unnest($2::bigint[]) AS a
    RETURNING id, destination_id, amount
), e AS (
    INSERT INTO entry (hub_id, transfer_id, account_id, amount, balance_after, category,
        created_at)
    SELECT $1, id, $4, -amount, 0, 'adjustments', now() FROM t
    UNION ALL
    SELECT $1, id, destination_id, amount, amount, 'adjustments', now() FROM t
)
UPDATE account SET balance = balance + $3 WHERE id = ANY($2::bigint[])
"""
_HOLDS = """
INSERT INTO transfer (hub_id, kind, status, amount, source_id, destination_id, memo, category,
    "group", data, created_at)
SELECT $1, 'pledge', 'pending', $3, a, $4, 'seed', $6, $5::uuid, '{}', now()
FROM unnest($2::bigint[]) WITH ORDINALITY AS x(a, n) ORDER BY n
RETURNING id, source_id
"""
_PLEDGES = """
INSERT INTO campaign_pledge (hub_id, campaign_id, member_id, account_id, status, amount, units,
    matched, hold_id, anonymous, created_at, updated_at)
SELECT $1, $2, m, a, 'active', $5, 0, $6, h, false, now(), now()
FROM unnest($3::bigint[], $4::bigint[], $7::bigint[]) AS x(m, a, h)
RETURNING id
"""
_SHARES = """
INSERT INTO campaign_match_share (hub_id, pot_id, pledge_id, amount, created_at)
SELECT $1, $2, p, $4, now() FROM unnest($3::bigint[]) AS p
"""


async def seed_campaign(
    hub_id: int, owner_id: int, *, pledges: int, amount: int = 10, match: bool = True
) -> int:
    """A project past its deadline with `pledges` backers holding `amount` each (and a 1:1
    match hold per pledge from a council), loaded in set-based SQL; returns its id."""
    from tortoise import Tortoise

    from app.campaigns.models import Campaign, CampaignKind, CampaignStatus, MatchPot
    from app.credits import ledger
    from app.credits.models import Account, SystemAccount
    from app.organisations.models import Organisation

    conn = Tortoise.get_connection("default")
    issuance = await ledger.system_account(hub_id, SystemAccount.ISSUANCE)
    recipient = await ledger.member_account(hub_id, owner_id)
    campaign = await Campaign.create(
        hub_id=hub_id,
        kind=CampaignKind.PROJECT,
        status=CampaignStatus.OPEN,
        title=f"Bench project {uuid.uuid4().hex[:6]}",
        owner_member_id=owner_id,
        created_by_id=owner_id,
        recipient_account_id=recipient.id,
        target=pledges * amount,
        deadline=datetime.now(UTC) - timedelta(seconds=1),
        hold_group=uuid.uuid4(),
        opened_at=datetime.now(UTC),
        pledged=pledges * amount,
        backers=pledges,
        matched=pledges * amount if match else 0,
    )
    member_ids: list[int] = []
    account_ids: list[int] = []
    for start in range(0, pledges, 20_000):
        size = min(20_000, pledges - start)
        made = [int(r["id"]) for r in await conn.execute_query_dict(_MEMBERS, [hub_id, size])]
        rows = await conn.execute_query_dict(_ACCOUNTS, [hub_id, made])
        by_member = {int(r["member_id"]): int(r["id"]) for r in rows}
        member_ids += made
        account_ids += [by_member[m] for m in made]
    funded = [*account_ids]
    council: Account | None = None
    if match:
        org = await Organisation.create(
            hub_id=hub_id, slug=f"council-{campaign.id}", name="Council", kind="council_service"
        )
        council = await ledger.organisation_account(hub_id, org.id)
    for start in range(0, len(funded), 20_000):
        part = funded[start : start + 20_000]
        await conn.execute_query(_FUND, [hub_id, part, amount, issuance.id])
    if council is not None:
        await conn.execute_query(_FUND, [hub_id, [council.id], pledges * amount, issuance.id])
    await conn.execute_query(
        "UPDATE account SET balance = balance - $2 WHERE id = $1",
        [issuance.id, (pledges * amount) * (2 if match else 1)],
    )
    pot = None
    if council is not None:
        pot = await MatchPot.create(
            hub_id=hub_id,
            campaign_id=campaign.id,
            funder_id=council.organisation_id,
            account_id=council.id,
            created_by_id=owner_id,
            total_cap=pledges * amount,
            matched=pledges * amount,
        )
    group = str(campaign.hold_group)
    for start in range(0, pledges, 20_000):
        accounts = account_ids[start : start + 20_000]
        members = member_ids[start : start + 20_000]
        holds = await conn.execute_query_dict(
            _HOLDS, [hub_id, accounts, amount, recipient.id, group, "pledges"]
        )
        hold_of = {int(r["source_id"]): int(r["id"]) for r in holds}
        pledge_ids = [
            int(r["id"])
            for r in await conn.execute_query_dict(
                _PLEDGES,
                [
                    hub_id,
                    campaign.id,
                    members,
                    accounts,
                    amount,
                    amount if match else 0,
                    [hold_of[a] for a in accounts],
                ],
            )
        ]
        if pot is not None:
            await conn.execute_query(_SHARES, [hub_id, pot.id, pledge_ids, amount])
    if council is not None and pot is not None:  # the pot's one hold for all it matches
        pot_hold = await conn.execute_query_dict(
            _HOLDS, [hub_id, [council.id], pledges * amount, recipient.id, group, "match funding"]
        )
        await MatchPot.filter(id=pot.id).update(hold_id=int(pot_hold[0]["id"]))
    await conn.execute_query(
        "UPDATE account SET held = $2 WHERE id = ANY($1::bigint[])", [account_ids, amount]
    )
    if council is not None:
        await Account.filter(id=council.id).update(held=pledges * amount)
    for table in ("campaign_pledge", "campaign_match_share", "transfer", "account"):
        await conn.execute_script(f"ANALYZE {table}")
    return campaign.id


async def run(args: argparse.Namespace) -> dict[str, Any]:
    name = f"ch_bench_{uuid.uuid4().hex[:8]}"
    url = db_url(name)
    prefix = f"ch-bench-{uuid.uuid4().hex[:6]}"
    os.environ.update(
        {
            "CH_DATABASE_URL": url,
            "CH_LOG_LEVEL": "WARNING",
            "CH_REDIS_PREFIX": prefix,
            "CH_SETTLEMENT_BATCH": str(args.batch),
        }
    )
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from app.campaigns.models import Campaign
    from app.campaigns.service import schedule_settlement
    from app.db import tortoise_config
    from app.hubs import service as hubs
    from app.jobs import collecting, relay_collected
    from app.jobs.queue import close_pools
    from app.migrate import create_database, drop_database, migrate_database
    from app.people.models import Member

    await create_database(url)
    worker: asyncio.subprocess.Process | None = None
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        hub = await hubs.create_hub(name="Bench city", slug="bench-city")
        owner = await Member.create(hub_id=hub.id, display_name="Project owner")
        started = time.perf_counter()
        campaign_id = await seed_campaign(hub.id, owner.id, pledges=args.pledges)
        print(f"loaded {args.pledges} pledges in {time.perf_counter() - started:.1f} s")
        worker = await asyncio.create_subprocess_exec(
            COMMUNITYHUB, "worker", env=os.environ.copy(), stdin=subprocess.DEVNULL
        )
        await _worker_ready(worker)  # its startup (imports, ORM, Redis) is not settlement
        campaign = await Campaign.get(id=campaign_id)
        queued = time.perf_counter()
        async with collecting() as ids, in_transaction():
            await schedule_settlement(campaign, run_after=None, key="bench")
        await relay_collected(ids)
        while (await Campaign.get(id=campaign_id)).settled_at is None:
            assert worker.returncode is None, "the worker died"
            await asyncio.sleep(0.05)
        seconds = time.perf_counter() - queued
        rss = peak_rss_mb(worker.pid)
        checks = await _check(hub.id, campaign_id, args.pledges)
        result = {
            "pledges": args.pledges,
            "batch": args.batch,
            "match": "1:1",
            "seconds": round(seconds, 2),
            "worker_peak_rss_mb": round(rss, 1),
            **checks,
        }
        print(result)
        return result
    finally:
        if worker is not None:
            worker.terminate()
            await asyncio.wait_for(worker.wait(), 30)
        await close_pools()
        await Tortoise.close_connections()
        if not args.keep:
            await drop_database(url)


async def _worker_ready(worker: asyncio.subprocess.Process, within: float = 120) -> None:
    """Waits for the worker's first health check in Redis (written once its startup is done and
    it polls the queue): a fixed sleep timed the end of a slow startup on a loaded machine."""
    from app.jobs.queue import _pool, queue_name

    pool = await _pool()
    started = time.perf_counter()
    while not await pool.exists(f"{queue_name()}:health-check"):
        assert worker.returncode is None, "the worker died"
        assert time.perf_counter() - started < within, "the worker did not start"
        await asyncio.sleep(0.1)


async def _check(hub_id: int, campaign_id: int, pledges: int) -> dict[str, Any]:
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT (SELECT sum(balance) FROM account WHERE hub_id = $1)::bigint AS books,"
        " (SELECT sum(held) FROM account WHERE hub_id = $1)::bigint AS held,"
        " (SELECT count(*) FROM transfer WHERE hub_id = $1 AND kind = 'pledge'"
        "   AND status = 'posted')::int AS posted,"
        " (SELECT count(*) FROM transfer WHERE hub_id = $1 AND status = 'pending')::int AS pending,"
        " (SELECT count(*) FROM entry e JOIN transfer t ON t.id = e.transfer_id"
        "   WHERE t.hub_id = $1 AND t.kind = 'pledge')::int AS entries",
        [hub_id],
    )
    found = {k: int(v) for k, v in rows[0].items()}
    assert found == {
        "books": 0,
        "held": 0,
        "posted": pledges + 1,
        "pending": 0,
        "entries": 2 * (pledges + 1),
    }, found
    return {"books_balance": True, "holds_posted": found["posted"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
