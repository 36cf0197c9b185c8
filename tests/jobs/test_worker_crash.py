"""kill -9 of a real worker holding every kind of job: a replacement does each exactly once,
within the deadline the README states (job timeout + sweep interval + 3 s)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app import jobs
from app.actor import Actor
from app.credits import ledger
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.integrations import webhooks
from app.integrations.models import DeliveryStatus, WebhookDelivery
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.opportunities import applications
from app.people.models import Role
from app.portfolios import hours
from tests.credits.conftest import books, fund_member
from tests.helpers import read_mail
from tests.jobs.pg import claims, end_waiting_sessions, locking, until, waiting_queries
from tests.opportunities.conftest import actor_of

EMAILS = [f"taken-{i}@example.org" for i in range(3)]


class HangingReceiver:
    """A webhook receiver whose first request never gets an answer; later ones get 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")[1:]
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)}
        await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(headers)
        if len(self.requests) == 1:
            await reader.read()  # until the worker's connection dies with it
        else:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            await writer.drain()
        writer.close()


@pytest.fixture
async def hanging_receiver() -> AsyncIterator[HangingReceiver]:
    receiver = HangingReceiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"
    async with server:
        yield receiver


async def _end_dead_sessions(conn: asyncpg.Connection) -> None:
    """PostgreSQL notices a dead client only when it next talks to it; a session of the killed
    worker waiting on a lock would run one more statement once the lock is free. End them, as
    TCP keepalives or client_connection_check_interval do in production."""
    await end_waiting_sessions(conn)


@pytest.mark.exclusive  # every job done within the recovery deadline
async def test_kill_9_of_a_worker_holding_every_kind_of_job(
    hub: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    parked_outbox: None,
    workers: Any,
    locks: asyncpg.Connection,
    hanging_receiver: HangingReceiver,
) -> None:
    # given: bob's verified hours will earn him credits (a job that writes the ledger), an
    # endpoint wants them as a webhook (a job talking to the outside), and an expired hold
    # awaits the housekeeping cron
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person(display_name="Bob")
    await webhooks.create_endpoint(
        actor=Actor(member=admin.member, roles=frozenset({Role.HUB_ADMIN})),
        url=hanging_receiver.url,
        event_types=["hours.verified"],
    )
    opportunity = await post(alice, auto_accept=True)
    application = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    record = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=90
    )
    bobs = await ledger.member_account(hub.id, bob.member.id)
    alices = await fund_member(hub.id, alice.member.id, 100)
    async with in_transaction():
        hold = await ledger.hold(
            source=alices,
            destination=await ledger.system_account(hub.id, SystemAccount.CAMPAIGN_ESCROW),
            amount=40,
            kind=TransferKind.PLEDGE,
            expires_at=datetime.now(UTC) - timedelta(seconds=1),
        )
    # given: row locks that stop the jobs halfway: the earning inside its transaction, the
    # cron inside voiding the hold
    await locks.execute("SELECT 1 FROM account WHERE id = $1 FOR UPDATE", bobs.id)
    await locks.execute("SELECT 1 FROM transfer WHERE id = $1 FOR UPDATE", hold.id)
    # when: worker A starts (its housekeeping cron runs at once and stops at the hold)
    worker_a = workers()
    worker_a.wait_ready()
    # when: hours are verified, and three emails are due in half a second
    async with jobs.collecting() as ids:
        await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
        async with in_transaction():
            soon = datetime.now(UTC) + timedelta(seconds=0.5)
            emails = [
                await jobs.enqueue(
                    "send_email", {"to": to, "subject": "s", "text": "t"}, run_after=soon
                )
                for to in EMAILS
            ]
    await jobs.relay_collected(ids)
    # ... and their rows are locked, so A takes them but cannot start them
    await locks.execute("SELECT 1 FROM outbox_job WHERE id = ANY($1) FOR UPDATE", emails)

    async def all_held() -> bool:
        # the webhook is in flight; 3 claims, the earning and the cron wait on our locks
        queries = await waiting_queries(locks)
        return (
            len(hanging_receiver.requests) == 1
            and claims(queries) == 3
            and locking(queries, "account") == 1
            and locking(queries, "transfer") == 1
        )

    await until(all_held, 20, "worker A did not take every job", worker_a)
    # when: A is killed, and B starts
    worker_a.kill9()
    killed = datetime.now(UTC)
    await _end_dead_sessions(locks)
    await locks.execute("ROLLBACK")
    worker_b = workers()
    # then: every job is done, each exactly once, within the deadline
    earn = await OutboxJob.get(
        name="event:hours.verified:app.credits.service.earn_for_hours",
        payload__contains={"hours_record_id": record.id},
    )
    delivery = await WebhookDelivery.get(hub_id=hub.id)
    deliver = await OutboxJob.get(
        name="webhook.deliver", payload__contains={"delivery_id": delivery.id}
    )
    watched = [earn.id, deliver.id, *emails]

    async def all_done() -> bool:
        done = await OutboxJob.filter(id__in=watched, status=JobStatus.DONE).count()
        voided = await Transfer.get(id=hold.id)
        return done == len(watched) and voided.status == TransferStatus.VOIDED

    deadline = schedule.recovery_deadline().total_seconds()
    await until(all_done, deadline + 5, "jobs not done", worker_b)
    finished = [j.finished_at for j in await OutboxJob.filter(id__in=watched)]
    finished.append((await Transfer.get(id=hold.id)).voided_at)
    took = (max(t for t in finished if t is not None) - killed).total_seconds()
    print(f"kill -9 to every job done: {took:.2f} s (deadline {deadline:.0f} s)")
    assert took <= deadline + 1, (took, worker_b.tail())  # + 1 s for the jobs' own run
    # then: exactly once
    assert await Transfer.filter(hub_id=hub.id, reference=f"hours:{record.id}").count() == 1
    assert (await Account.get(id=bobs.id)).balance == 90
    assert (await Account.get(id=alices.id)).held == 0
    assert await books(hub.id) == 0
    for to in EMAILS:
        assert len(read_mail(to)) == 1, to
    delivery = await WebhookDelivery.get(id=delivery.id)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    # to the outside a webhook is at least once: the same webhook-id lets receivers drop it
    assert len({h["webhook-id"] for h in hanging_receiver.requests}) == 1
    assert len(hanging_receiver.requests) == 2
