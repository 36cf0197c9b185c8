"""Bookings and loans under concurrent requests against PostgreSQL (asyncio.gather of real
GraphQL requests): the exclusion constraints decide, one slot or one set of dates per asset,
and every refused request gets SLOT_TAKEN with nothing held."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from app.assets.models import Asset
from app.assets.sharing_models import Booking, Loan
from app.credits.models import Transfer, TransferKind
from tests.assets.conftest import gid
from tests.assets.lending import fund, iso, soon
from tests.assets.test_bookings import BOOK
from tests.assets.test_loans import APPROVE, REQUEST
from tests.helpers import Person

RACERS = 100


async def _book_all(
    gql: Any, room: Asset, calls: list[tuple[Person, datetime, datetime]]
) -> list[dict[str, Any]]:
    answers = await asyncio.gather(
        *(
            gql(
                BOOK,
                {
                    "input": {
                        "assetId": gid("Asset", room.id),
                        "startsAt": iso(starts),
                        "endsAt": iso(ends),
                    }
                },
                as_=person,
            )
            for person, starts, ends in calls
        )
    )
    return [a["bookAsset"] for a in answers]


def _codes(payloads: list[dict[str, Any]]) -> list[str]:
    return sorted(e["code"] for p in payloads for e in p["errors"])


async def test_a_hundred_bookings_of_the_same_slot_end_with_exactly_one(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given: a priced room, and 100 members with credits who all want 10:00-11:00 tomorrow
    room = await list_asset(
        alice,
        kind="bookable",
        title="Meeting room",
        category_id=spaces.id,
        price_credits=30,
        requires_approval=False,
    )
    people = [await make_person(display_name=f"Racer {n}") for n in range(RACERS)]
    for person in people:
        await fund(person, 100)
    starts = soon(60 * 24)
    # when: they all book at once
    answers = await _book_all(gql, room, [(p, starts, starts + timedelta(hours=1)) for p in people])
    # then: exactly one booking, one hold; 99 typed refusals
    assert _codes(answers) == ["SLOT_TAKEN"] * (RACERS - 1)
    assert sum(1 for a in answers if a["booking"]) == 1
    assert await Booking.filter(asset_id=room.id).count() == 1
    held = await Transfer.filter(hub_id=hub.id, kind=TransferKind.RENTAL).count()
    assert held == 1


async def test_overlapping_slots_are_refused_and_back_to_back_ones_taken_at_once(
    gql: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given: a room; ten members racing for slots that all overlap 10:00-11:00, none equal
    room = await list_asset(
        alice, kind="bookable", title="Studio", category_id=spaces.id, requires_approval=False
    )
    people = [await make_person(display_name=f"Racer {n}") for n in range(12)]
    ten = soon(60 * 24).replace(minute=0)
    overlapping = [
        (ten - timedelta(minutes=50 - 5 * n), ten + timedelta(minutes=10 + 5 * n))
        for n in range(10)
    ]
    assert len(set(overlapping)) == 10
    # when
    answers = await _book_all(
        gql, room, [(p, s, e) for p, (s, e) in zip(people, overlapping, strict=False)]
    )
    # then: one of them
    assert _codes(answers) == ["SLOT_TAKEN"] * 9
    [kept] = await Booking.filter(asset_id=room.id)
    # when: three slots back to back around the kept one, and one overlapping by a minute
    before, after = (
        (kept.starts_at - timedelta(hours=1), kept.starts_at),
        (
            kept.ends_at,
            kept.ends_at + timedelta(hours=1),
        ),
    )
    later = (after[1], after[1] + timedelta(minutes=30))
    clash = (kept.ends_at - timedelta(minutes=1), kept.ends_at + timedelta(minutes=29))
    calls = [(people[10], *before), (people[11], *after), (people[0], *later)]
    answers = await _book_all(gql, room, [*calls, (people[1], *clash)])
    # then: back to back is fine ([start, end) ranges); a minute's overlap is not
    assert _codes(answers) == ["SLOT_TAKEN"]
    assert await Booking.filter(asset_id=room.id).count() == 4


async def test_concurrent_loan_requests_and_approvals_for_overlapping_dates_end_with_one(
    gql: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: a drill lent without approval, and a ladder that needs it; 20 members each
    drill = await list_asset(alice, kind="loan", title="Drill", requires_approval=False)
    ladder = await list_asset(alice, kind="loan", title="Ladder")
    people = [await make_person(display_name=f"Racer {n}") for n in range(20)]
    monday = soon(60 * 24 * 2)

    async def request_all(asset: Asset) -> list[dict[str, Any]]:
        answers = await asyncio.gather(
            *(
                gql(
                    REQUEST,
                    {
                        "input": {
                            "assetId": gid("Asset", asset.id),
                            "startsAt": iso(monday + timedelta(hours=n)),
                            "dueAt": iso(monday + timedelta(days=3, hours=n)),
                        }
                    },
                    as_=person,
                )
                for n, person in enumerate(people)
            )
        )
        return [a["requestLoan"] for a in answers]

    # when: all ask for overlapping dates at once
    instant = await request_all(drill)
    asked = await request_all(ladder)
    # then: one approved loan of the drill; all 20 requests of the ladder wait
    assert _codes(instant) == ["SLOT_TAKEN"] * 19
    assert await Loan.filter(asset_id=drill.id).count() == 1
    assert _codes(asked) == []
    # when: Alice approves all 20 at once
    answers = await asyncio.gather(
        *(gql(APPROVE, {"input": {"loanId": a["loan"]["id"]}}, as_=alice) for a in asked)
    )
    # then: one approved, 19 still requested
    assert _codes([a["approveLoan"] for a in answers]) == ["SLOT_TAKEN"] * 19
    statuses = await Loan.filter(asset_id=ladder.id).values_list("status", flat=True)
    assert sorted(statuses) == ["approved"] + ["requested"] * 19
