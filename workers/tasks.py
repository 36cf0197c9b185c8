"""arq task functions: thin wrappers that call app services."""

from typing import Any

from app import jobs
from app.assets import housekeeping as assets_cron
from app.badges import recompute as badges_recompute
from app.campaigns import settlement
from app.citydata import refresh as citydata
from app.civic.ideas import service as ideas
from app.civic.sensors import rollup as sensor_rollup
from app.credits import offers, payment_requests
from app.credits import service as credits
from app.federation import guests
from app.gdpr import erasure
from app.jobs.runner import run_job
from app.matching import caps, digests
from app.moderation import expiry as moderation_expiry
from app.opportunities import expiry
from app.paidjobs import service as paidjobs
from app.trials import service as trials


async def run_outbox_job(ctx: dict[str, Any], job_id: int) -> str:
    return await run_job(job_id)


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    return await jobs.sweep()


async def opportunity_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    return await expiry.housekeeping()


async def business_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    """Paid jobs past their closing date expire; trials past their window close (issue 17)."""
    return {
        "jobs_expired": await paidjobs.expire_lapsed(),
        "trials_closed": await trials.close_lapsed(),
    }


async def moderation_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    """Suspensions whose end has passed are lifted (issue 21)."""
    return {"suspensions_lifted": await moderation_expiry.lift_expired()}


async def federation_recover(ctx: dict[str, Any]) -> dict[str, int]:
    """Payments to other installations not yet final: PREPARE or the decision sent again."""
    from app.federation import protocol

    return await protocol.recover()


async def federation_account_links(ctx: dict[str, Any]) -> dict[str, int]:
    """Linked accounts on other installations: removals delivered, verified hours fetched."""
    from app.federation import remote_accounts

    return await remote_accounts.sync()


async def federation_reconcile(ctx: dict[str, Any]) -> int:
    """Daily: each link with another installation compares both sides' clearing balances."""
    from app.federation import reconciliation

    return len(await reconciliation.reconcile())


async def credits_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    return {
        "holds_voided": await credits.expire_holds(),
        "vouchers_settled": await offers.refund_expired_vouchers(),
        "requests_expired": await payment_requests.expire_requests(),
        "guest_earnings_released": await guests.release_all_held(),
    }


async def send_digests(ctx: dict[str, Any]) -> int:
    return await digests.send_digests()


async def matching_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    """The daily cap's counts of days gone (app/matching/caps.py)."""
    return {"told_days_forgotten": await caps.forget_old_days()}


async def assets_housekeeping(ctx: dict[str, Any]) -> dict[str, int]:
    return await assets_cron.housekeeping()


async def campaign_sweep(ctx: dict[str, Any]) -> int:
    return await settlement.sweep()


async def recompute_badges(ctx: dict[str, Any]) -> int:
    return await badges_recompute.recompute_all()


async def refresh_citydata(ctx: dict[str, Any]) -> dict[str, int] | None:
    """Recomputes the city data cells (CONCURRENTLY: readers are never blocked)."""
    done = await citydata.refresh()
    return None if done is None else {"took_ms": done.took_ms, "rows": done.rows}


async def purge_erased_trust_checks(ctx: dict[str, Any]) -> int:
    """Trust checks of erased members, once the retention period has passed (issue 21)."""
    return await erasure.purge_expired_checks()


async def civic_reminders(ctx: dict[str, Any]) -> int:
    """The council is reminded of ideas whose answer is due soon or overdue (issue 23)."""
    return await ideas.remind_due()


async def roll_up_sensor_readings(ctx: dict[str, Any]) -> dict[str, int] | None:
    """Adds the readings stored since the last run into the hourly cells (issue 23)."""
    done = await sensor_rollup.rollup()
    return None if done is None else {"rows": done.rows, "took_ms": done.took_ms}
