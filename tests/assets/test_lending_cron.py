"""The cron job of loans and bookings (app/assets/housekeeping.py, the worker's
assets_housekeeping): a reminder before a loan is due, the overdue mark with its emails and
its loan.overdue webhook, each exactly once however often it runs or wherever it is killed;
booking.confirmed delivered signed; what nobody settled is settled."""

from datetime import timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from app.assets import housekeeping
from app.assets.impact_models import ImpactRecord
from app.assets.sharing_models import Booking, Loan
from app.credits.models import TransferKind
from app.jobs.models import OutboxJob
from app.people.models import Role
from tests.assets.lending import books, fund, soon, transfers
from tests.assets.test_bookings import CHECK_IN, book
from tests.assets.test_bookings import act as act_on_booking
from tests.assets.test_loans import HANDOVER, RETURN, act, ask, lent
from tests.helpers import Person, read_mail
from tests.integrations.test_webhooks import (  # noqa: F401  (the receiver fixture)
    CREATE,
    NODE,
    Receiver,
    _documented,
    receiver,
)
from workers.main import build_periodic_settings
from workers.tasks import assets_housekeeping

NOTHING = dict.fromkeys(
    [
        "loans_reminded",
        "loans_overdue",
        "loans_unanswered",
        "loans_lapsed",
        "bookings_undecided",
        "bookings_settled",
    ],
    0,
)


async def _emails(keys: list[str]) -> dict[str, int]:
    rows = OutboxJob.filter(name="send_email", key__in=keys)
    found = [str(key) for key in await rows.values_list("key", flat=True)]
    return {key: found.count(key) for key in keys}


async def test_a_reminder_and_an_overdue_mark_happen_once_however_often_it_runs(
    gql: Any,
    alice: Person,
    make_person: Any,
    list_asset: Any,
    spaces: Any,
    run_jobs: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    # given: an endpoint for loan.overdue and booking.confirmed; Bob books Alice's room (at
    # once) and borrows her drill, due in four days
    admin = await make_person(roles=[Role.HUB_ADMIN])
    types = ["loan.overdue", "booking.confirmed"]
    endpoint = await gql(CREATE, {"input": {"url": receiver.url, "eventTypes": types}}, as_=admin)
    secret = endpoint["createWebhookEndpoint"]["secret"]
    room = await list_asset(
        alice, kind="bookable", title="Room", category_id=spaces.id, requires_approval=False
    )
    drill = await list_asset(alice, kind="loan", title="Drill", requires_approval=False)
    bob = await make_person(display_name="Bob")
    booked = await book(gql, bob, room, soon(60), soon(120), message="private words")
    booking_id = booked["booking"]["id"]
    loan_id = await lent(gql, alice, bob, drill)
    await run_jobs()  # booking.confirmed goes out (its snapshot is taken when sent)
    loan = await Loan.get(asset_id=drill.id)
    # when: the job runs twice half a day before it is due
    before = loan.due_at - timedelta(hours=12)
    first = await housekeeping.housekeeping(now=before)
    second = await housekeeping.housekeeping(now=before)
    # then: one reminder
    assert first["loans_reminded"] >= 1 and second == NOTHING
    assert await _emails([f"loan-due:{loan.id}"]) == {f"loan-due:{loan.id}": 1}
    reminded = await Loan.get(id=loan.id)
    assert reminded.due_reminder_sent_at is not None and reminded.status == "on_loan"
    # when: it runs twice an hour after the due time
    after = loan.due_at + timedelta(hours=1)
    first = await housekeeping.housekeeping(now=after)
    second = await housekeeping.housekeeping(now=after)
    # then: overdue once, both sides emailed once, one event for the webhooks
    assert first["loans_overdue"] >= 1 and second == NOTHING
    overdue = await Loan.get(id=loan.id)
    assert overdue.status == "overdue" and overdue.overdue_notified_at is not None
    keys = [f"loan-overdue:{loan.id}:borrower", f"loan-overdue:{loan.id}:owner"]
    assert await _emails(keys) == dict.fromkeys(keys, 1)
    events = OutboxJob.filter(name__startswith="event:loan.overdue:", payload={"loan_id": loan.id})
    assert await events.count() == 1
    # when: the jobs run (twice)
    await run_jobs()
    await run_jobs()
    # then: one signed delivery of each, with the README's fields and nothing private; one
    # email of each to each side
    delivered = [Webhook(secret).verify(body, headers) for headers, body in receiver.requests]
    assert sorted(e["type"] for e in delivered) == sorted(types)
    for event in delivered:
        key, fields = _documented()[event["type"]]
        assert list(event["data"]) == [key] and sorted(event["data"][key]) == sorted(fields)
    assert all(b"private words" not in body for _, body in receiver.requests)
    event, confirmed = sorted(delivered, key=lambda e: e["type"] != "loan.overdue")
    assert confirmed["data"]["booking"]["id"] == booking_id
    assert confirmed["data"]["booking"]["status"] == "CONFIRMED"
    assert event["data"]["loan"]["id"] == loan_id
    # every ID in them resolves through node(id:) for the hub admin
    id_types = {"id": "", "assetId": "Asset", "bookerId": "Member", "borrowerId": "Member"}
    for one in delivered:
        [(key, data)] = one["data"].items()
        for name, value in data.items():
            if (name == "id" or name.endswith("Id")) and value is not None:
                node = (await gql(NODE, {"id": value}, as_=admin))["node"]
                expected = id_types[name] or key[0].upper() + key[1:]
                assert node == {"__typename": expected, "id": value}, (key, name)
    assert event["data"]["loan"]["status"] == "OVERDUE"
    assert event["data"]["loan"]["borrowerId"] == bob.gid
    assert len(read_mail(bob.email, "“Drill” is due back " + _when(reminded))) == 1
    assert len(read_mail(bob.email, "“Drill” is overdue")) == 1
    assert len(read_mail(alice.email, "“Drill” is overdue")) == 1
    # and an overdue loan is still returned as usual
    await act(gql, RETURN, bob, loan_id)
    done = await act(gql, RETURN, alice, loan_id, condition="GOOD")
    assert done["loan"]["status"] == "RETURNED"


def _when(loan: Loan) -> str:
    from app.i18n import format_when

    return format_when(loan.due_at, timezone="Europe/London", locale="en-GB")


async def test_a_run_killed_midway_changes_nothing_and_the_next_does_it_once(
    gql: Any, alice: Person, make_person: Any, list_asset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a loan on loan, an hour past its due time
    drill = await list_asset(alice, kind="loan", title="Drill", requires_approval=False)
    bob = await make_person(display_name="Bob")
    await lent(gql, alice, bob, drill)
    loan = await Loan.get(asset_id=drill.id)
    late = loan.due_at + timedelta(hours=1)

    # when: the run dies after marking it, before its commit (the event cannot be queued)
    async def dies(*args: Any, **kwargs: Any) -> int:
        raise ConnectionResetError("worker killed")

    monkeypatch.setattr(housekeeping.events, "emit", dies)
    with pytest.raises(ConnectionResetError):
        await housekeeping.housekeeping(now=late)
    # then: nothing was changed or queued
    after = await Loan.get(id=loan.id)
    assert (after.status, after.overdue_notified_at) == ("on_loan", None)
    keys = [f"loan-overdue:{loan.id}:borrower", f"loan-overdue:{loan.id}:owner"]
    assert await _emails(keys) == dict.fromkeys(keys, 0)
    # when: the next ticks run (the worker's task itself, as the cron calls it, then again)
    monkeypatch.undo()
    await housekeeping.housekeeping(now=late)
    assert await housekeeping.housekeeping(now=late) == NOTHING
    # then: all of it, once
    assert (await Loan.get(id=loan.id)).status == "overdue"
    assert await _emails(keys) == dict.fromkeys(keys, 1)
    events = OutboxJob.filter(name__startswith="event:loan.overdue:", payload={"loan_id": loan.id})
    assert await events.count() == 1


async def test_the_cron_is_registered_and_a_tick_runs(gql: Any) -> None:
    periodic = build_periodic_settings(burst=True)
    names = {job.name for job in periodic["cron_jobs"]}
    assert any("assets_housekeeping" in name for name in names), names
    assert set(await assets_housekeeping({})) == set(NOTHING)


async def test_what_nobody_settled_is_settled_once(
    gql: Any,
    hub: Any,
    alice: Person,
    make_person: Any,
    list_asset: Any,
    spaces: Any,
) -> None:
    # given: priced rooms; Bob books a slot nobody approves, one he never shows up for, one he
    # checks into and never out; a loan request nobody answers; an approved loan whose
    # handover only Bob confirmed (its deposit held)
    room = {"kind": "bookable", "category_id": spaces.id, "price_credits": 60}
    waiting = await list_asset(alice, title="Hall", **room)
    instant = await list_asset(alice, title="Studio", requires_approval=False, **room)
    workshop = await list_asset(alice, title="Workshop", requires_approval=False, **room)
    tent = await list_asset(alice, kind="loan", title="Tent", deposit_credits=40)
    saw = await list_asset(alice, kind="loan", title="Saw")
    bob = await make_person(display_name="Bob")
    await fund(bob, 1000)
    starts = soon(5)
    end = starts + timedelta(hours=1)
    assert (await book(gql, bob, waiting, starts, end))["errors"] == []
    assert (await book(gql, bob, instant, starts, end))["errors"] == []
    used = (await book(gql, bob, workshop, starts, end))["booking"]["id"]
    assert (await act_on_booking(gql, CHECK_IN, bob, used))["errors"] == []
    assert (await ask(gql, bob, saw))["errors"] == []
    half = (await ask(gql, bob, tent, days=2))["loan"]["id"]
    await Loan.filter(asset_id=tent.id).update(status="approved")
    assert (await act(gql, HANDOVER, bob, half))["errors"] == []
    assert await books(bob) == (1000, 180 + 40)
    # when: the job runs twice, after the loans' due times
    later = soon(60 * 24 * 4)
    first = await housekeeping.housekeeping(now=later)
    second = await housekeeping.housekeeping(now=later)
    # then: each settled once
    assert second == NOTHING
    assert first["bookings_undecided"] >= 1 and first["bookings_settled"] >= 2
    statuses = {
        b.asset_id: b.status.value
        for b in await Booking.filter(asset_id__in=[waiting.id, instant.id, workshop.id])
    }
    assert statuses == {waiting.id: "declined", instant.id: "no_show", workshop.id: "checked_out"}
    loans = {
        loan.asset_id: loan.status.value
        for loan in await Loan.filter(asset_id__in=[saw.id, tent.id])
    }
    assert loans == {saw.id: "declined", tent.id: "cancelled"}
    # the undecided booking and the half handover released; the no-show and the used slot paid
    assert sorted(await transfers(hub, TransferKind.RENTAL)) == [
        (60, "posted"),
        (60, "posted"),
        (60, "voided"),
    ]
    assert await transfers(hub, TransferKind.DEPOSIT) == [(40, "voided")]
    assert await books(bob) == (880, 0) and await books(alice) == (120, 0)
    assert await ImpactRecord.filter(hub_id=hub.id, asset_id=workshop.id).count() == 1
