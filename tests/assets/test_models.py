"""The invariants the database keeps for the asset flows, whatever the code above it does:
slots never overlap (also when raced), back-to-back ones do; agreed loans never overlap;
one owner; giveaways free; a handover needs both sides; one impact record per share; and
every hub starts with the default categories and their sourced impact factors."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asyncpg.exceptions import DeadlockDetectedError
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from app.assets.categories import DEFAULTS
from app.assets.impact_models import ImpactFactor, ImpactRecord
from app.assets.models import Asset, AssetCategory, OwnerKind
from app.assets.sharing_models import Booking, BookingStatus, GiveawayRequest, Loan, LoanStatus
from tests.helpers import Person

START = datetime(2031, 3, 4, 14, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
async def room(alice: Person, list_asset: Any, spaces: AssetCategory) -> Asset:
    return await list_asset(alice, kind="bookable", title="Meeting room", category_id=spaces.id)


async def _book(
    room: Asset, person: Person, starts: datetime, ends: datetime, status: str = "confirmed"
) -> Booking:
    return await Booking.create(
        hub_id=room.hub_id,
        asset_id=room.id,
        booker_id=person.member.id,
        starts_at=starts,
        ends_at=ends,
        status=status,
    )


async def test_slots_of_one_asset_never_overlap_but_may_touch(
    room: Asset, alice: Person, make_person: Any, list_asset: Any, spaces: AssetCategory
) -> None:
    # given: 14:00-16:00 is taken
    bob = await make_person()
    await _book(room, alice, START, START + 2 * HOUR)
    # when / then: anything overlapping it is refused, however it overlaps
    for starts, ends in (
        (START, START + 2 * HOUR),  # the same slot
        (START + HOUR, START + 3 * HOUR),  # the second half and beyond
        (START - HOUR, START + HOUR / 2),  # from before into it
        (START + HOUR / 4, START + HOUR / 2),  # inside it
        (START - HOUR, START + 3 * HOUR),  # around it
    ):
        with pytest.raises(IntegrityError):
            await _book(room, bob, starts, ends, status="pending")
    # back-to-back slots are allowed on both sides, and a declined or cancelled one holds nothing
    await _book(room, bob, START + 2 * HOUR, START + 3 * HOUR)
    await _book(room, bob, START - HOUR, START)
    await _book(room, bob, START, START + HOUR, status="cancelled")
    await _book(room, bob, START, START + HOUR, status="declined")
    # another asset's slots are its own
    other = await list_asset(alice, kind="bookable", title="Hall", category_id=spaces.id)
    await _book(other, bob, START, START + 2 * HOUR)
    # and a used slot stays taken
    booking = await _book(room, bob, START + 5 * HOUR, START + 6 * HOUR, status="checked_out")
    with pytest.raises(IntegrityError):
        await _book(room, alice, booking.starts_at, booking.ends_at)


async def test_fifty_racing_inserts_of_overlapping_slots_leave_exactly_one(
    room: Asset, alice: Person
) -> None:
    # given: fifty different overlapping slots around 14:00, inserted at once on their own
    # connections (no lock in the code: the constraint alone decides)
    slots = [
        (START + n * timedelta(minutes=1), START + HOUR + n * timedelta(minutes=1))
        for n in range(50)
    ]

    async def attempt(starts: datetime, ends: datetime) -> bool:
        try:
            await _book(room, alice, starts, ends)
        except (IntegrityError, DeadlockDetectedError):
            # Two inserts each waiting on the other's pending row for the exclusion
            # constraint: PostgreSQL aborts one of them, which writes nothing either.
            return False
        return True

    # when
    outcomes = await asyncio.gather(*(attempt(*slot) for slot in slots))
    # then
    assert sum(outcomes) == 1
    assert await Booking.filter(asset_id=room.id).count() == 1


async def test_agreed_or_running_loans_never_overlap(
    alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    drill = await list_asset(alice, kind="loan", title="Drill")
    bob, carol = await make_person(), await make_person()

    async def loan(person: Person, day: int, days: int, status: LoanStatus) -> Loan:
        return await Loan.create(
            hub_id=drill.hub_id,
            asset_id=drill.id,
            borrower_id=person.member.id,
            starts_at=START + timedelta(days=day),
            due_at=START + timedelta(days=day + days),
            status=status,
        )

    await loan(bob, 0, 7, LoanStatus.ON_LOAN)
    # when / then: requests may overlap (the owner chooses), agreed dates may not
    await loan(carol, 3, 3, LoanStatus.REQUESTED)
    with pytest.raises(IntegrityError):
        await loan(carol, 6, 3, LoanStatus.APPROVED)
    await loan(carol, 7, 3, LoanStatus.APPROVED)  # from the due day on


async def test_an_asset_has_exactly_one_owner_and_giveaways_are_free(
    alice: Person, list_asset: Any
) -> None:
    desk = await list_asset(alice)
    conn = Tortoise.get_connection("default")
    for change in (
        "owner_kind = 'hub'",  # the hub's, with a member owner too
        "owner_organisation_id = owner_member_id",  # two owners
        "price_credits = 5",  # a giveaway with a price
        "deposit_credits = 5",  # a deposit on a giveaway
        "quantity = -1",
        "status = 'listed', lat = NULL",  # listed with no place
        "audience = 'checked_members'",  # checked members, and no check named
    ):
        with pytest.raises(IntegrityError):
            await conn.execute_query(f"UPDATE asset SET {change} WHERE id = $1", [desk.id])
    assert (await Asset.get(id=desk.id)).owner_kind == OwnerKind.MEMBER


async def test_a_handover_is_complete_only_when_both_sides_confirmed(
    alice: Person, make_person: Any, list_asset: Any
) -> None:
    desk = await list_asset(alice)
    bob = await make_person()
    request = await GiveawayRequest.create(
        hub_id=desk.hub_id, asset_id=desk.id, requester_id=bob.member.id, status="chosen"
    )
    with pytest.raises(IntegrityError):
        await GiveawayRequest.filter(id=request.id).update(
            status="handed_over", owner_confirmed_at=datetime.now(UTC)
        )
    with pytest.raises(IntegrityError):  # one request per member and asset
        await GiveawayRequest.create(
            hub_id=desk.hub_id, asset_id=desk.id, requester_id=bob.member.id
        )


async def test_one_impact_record_per_completed_share(
    hub: Any, alice: Person, make_person: Any, list_asset: Any, furniture: AssetCategory
) -> None:
    # given
    desk = await list_asset(alice)
    bob = await make_person()
    request = await GiveawayRequest.create(
        hub_id=hub.id, asset_id=desk.id, requester_id=bob.member.id
    )
    record = {
        "hub_id": hub.id,
        "asset_id": desk.id,
        "category_id": furniture.id,
        "owner_kind": OwnerKind.MEMBER,
        "owner_member_id": alice.member.id,
        "receiver_member_id": bob.member.id,
        "occurred_at": datetime.now(UTC),
        "diverted_g": 30_000,
    }
    await ImpactRecord.create(giveaway_request_id=request.id, **record)
    # when / then: the same cause twice, no cause, two causes
    with pytest.raises(IntegrityError):
        await ImpactRecord.create(giveaway_request_id=request.id, **record)
    with pytest.raises(IntegrityError):
        await ImpactRecord.create(**record)
    booking = await Booking.create(
        hub_id=hub.id,
        asset_id=desk.id,
        booker_id=bob.member.id,
        starts_at=START,
        ends_at=START + HOUR,
        status=BookingStatus.CANCELLED,
    )
    with pytest.raises(IntegrityError):
        await ImpactRecord.create(giveaway_request_id=request.id, booking_id=booking.id, **record)


async def test_every_new_hub_starts_with_the_default_categories_and_sourced_factors(
    hub: Any,
) -> None:
    # when: the hub fixture created a hub through the service
    categories = {c.slug: c for c in await AssetCategory.filter(hub_id=hub.id)}
    factors = {f.category_id: f for f in await ImpactFactor.filter(hub_id=hub.id)}
    # then
    assert set(categories) == {d.slug for d in DEFAULTS}
    for default in DEFAULTS:
        factor = factors[categories[default.slug].id]
        assert factor.co2e_g_per_kg == default.co2e_g_per_kg
        assert factor.item_weight_g == default.item_weight_g
        assert factor.source  # every number says where it comes from
        assert factor.currency == "GBP"
    furniture = factors[categories["furniture"].id]
    assert "WRAP" in furniture.source and furniture.co2e_g_per_kg == 1450
