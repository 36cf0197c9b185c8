"""What must hold after any fault: the books, the holds, exactly-once credits and emails."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise

from app.credits.models import Account, Transfer, TransferStatus
from app.jobs.models import JobStatus, OutboxJob
from tests.helpers import read_mail


async def assert_ledger_sound(hub_id: int) -> None:
    """Double entry sums to zero; each balance is its entries; held is its pending holds."""
    conn = Tortoise.get_connection("default")
    total = await conn.execute_query_dict(
        "SELECT coalesce(sum(balance), 0)::bigint AS s FROM account WHERE hub_id = $1", [hub_id]
    )
    assert total[0]["s"] == 0, "the books must sum to zero"
    for account in await Account.filter(hub_id=hub_id):
        pending = await Transfer.filter(source_id=account.id, status=TransferStatus.PENDING)
        assert account.held == sum(t.amount for t in pending), account.id
        entries = await conn.execute_query_dict(
            "SELECT coalesce(sum(amount), 0)::bigint AS s FROM entry WHERE account_id = $1",
            [account.id],
        )
        assert entries[0]["s"] == account.balance, account.id
    unbalanced = await conn.execute_query_dict(
        "SELECT t.id FROM transfer t LEFT JOIN entry e ON e.transfer_id = t.id"
        " WHERE t.hub_id = $1 GROUP BY t.id, t.status"
        " HAVING (t.status = 'posted' AND (count(e.id) <> 2 OR sum(e.amount) <> 0))"
        " OR (t.status <> 'posted' AND count(e.id) <> 0)",
        [hub_id],
    )
    assert unbalanced == []


async def assert_no_hold_open_past_its_time(hub_id: int, grace: timedelta) -> None:
    overdue = await Transfer.filter(
        hub_id=hub_id,
        status=TransferStatus.PENDING,
        hold_expires_at__lt=datetime.now(UTC) - grace,
    ).count()
    assert overdue == 0


async def assert_one_credit_per_record(hub_id: int, record_ids: list[int]) -> None:
    for record_id in record_ids:
        count = await Transfer.filter(hub_id=hub_id, reference=f"hours:{record_id}").count()
        assert count == 1, (record_id, count)


def assert_one_email_each(addresses: list[str], subject: str | None = None) -> None:
    counts = {to: len(read_mail(to, subject)) for to in addresses}
    assert set(counts.values()) == {1}, counts


@pytest.fixture
async def parked_outbox() -> AsyncIterator[None]:
    """Jobs earlier tests left unfinished wait (not due) while the test's worker runs, so
    what the test sees done or not is its own; they are put back afterwards."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "UPDATE outbox_job o SET run_after = 'infinity' FROM outbox_job p WHERE o.id = p.id"
        " AND o.status IN ('pending', 'running') RETURNING o.id, p.run_after"
    )
    yield
    await conn.execute_query(
        "UPDATE outbox_job o SET run_after = t.run_after"
        " FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, run_after) WHERE o.id = t.id",
        [[r["id"] for r in rows], [r["run_after"] for r in rows]],
    )


async def jobs_since(since: datetime) -> list[Any]:
    return await OutboxJob.filter(created_at__gte=since)


async def all_jobs_done(since: datetime) -> bool:
    jobs = await jobs_since(since)
    return all(j.status == JobStatus.DONE for j in jobs)
