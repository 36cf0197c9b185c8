"""record_impact(cause): what each kind of completed share counts, from the category's factor,
recorded exactly once per cause (app/assets/impact.py)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.assets.impact import Numbers, compute, record_impact
from app.assets.impact_models import ImpactFactor, ImpactRecord
from app.assets.models import AssetCategory, AssetKind
from app.assets.sharing_models import Booking, GiveawayRequest, Loan, OffSiteShare
from app.organisations import service as organisations
from tests.assets.conftest import actor_of
from tests.helpers import Person

FACTOR = ImpactFactor(
    item_weight_g=37_000,
    co2e_g_per_kg=1_450,
    value_minor_per_item=32_000,
    value_minor_per_hour=1_500,
    loan_share_pct=10,
    currency="GBP",
)


def test_each_kind_of_share_counts_from_the_factor() -> None:
    def numbers(kind: AssetKind, quantity: int = 1, minutes: int = 0, weight: Any = None) -> Any:
        return compute(
            kind=kind, quantity=quantity, minutes=minutes, unit_weight_g=weight, factor=FACTOR
        )

    # a giveaway: whole units; the listing's weight, else the factor's
    assert numbers(AssetKind.GIVEAWAY, 2, weight=30_000) == Numbers(
        2, 0, 60_000, 87_000, 64_000, "GBP"
    )
    assert numbers(AssetKind.GIVEAWAY).diverted_g == 37_000
    # a loan: 10% of one new unit
    assert numbers(AssetKind.LOAN, weight=2_000) == Numbers(1, 0, 200, 290, 3_200, "GBP")
    # a booking: the hours' value, no weight
    assert numbers(AssetKind.BOOKABLE, 0, minutes=90) == Numbers(0, 90, 0, 0, 2_250, "GBP")
    # no factor: the share is counted, its amounts are 0
    assert compute(
        kind=AssetKind.GIVEAWAY, quantity=3, minutes=0, unit_weight_g=1000, factor=None
    ) == Numbers(quantity=3)


async def test_a_cause_is_recorded_once_with_both_sides(
    hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: AssetCategory
) -> None:
    # given: a desk handed over to Bob, a drill lent to him, a room booked for his charity
    bob = await make_person(display_name="Bob")
    charity = await organisations.create_organisation(
        actor=actor_of(bob), name="Moss Side Pantry", kind="charity"
    )
    desk = await list_asset(alice, weight_kg=30.0)
    drill = await list_asset(alice, kind="loan", title="Drill", weight_kg=2.0)
    room = await list_asset(alice, kind="bookable", title="Room", category_id=spaces.id)
    await ImpactFactor.filter(hub_id=hub.id, category_id=spaces.id).update(
        value_minor_per_hour=1_200
    )
    now = datetime.now(UTC)
    handed = await GiveawayRequest.create(
        hub_id=hub.id,
        asset_id=desk.id,
        requester_id=bob.member.id,
        status="handed_over",
        owner_confirmed_at=now,
        receiver_confirmed_at=now,
        handed_over_at=now,
    )
    lent = await Loan.create(
        hub_id=hub.id,
        asset_id=drill.id,
        borrower_id=bob.member.id,
        starts_at=now - timedelta(days=3),
        due_at=now,
        status="returned",
    )
    booked = await Booking.create(
        hub_id=hub.id,
        asset_id=room.id,
        booker_id=bob.member.id,
        booker_organisation_id=charity.id,
        starts_at=now - timedelta(hours=2),
        ends_at=now,
        status="checked_out",
        checked_out_at=now,
    )
    shared = await OffSiteShare.create(
        hub_id=hub.id,
        asset_id=desk.id,
        kind="giveaway",
        recorded_by_id=alice.member.id,
        receiver_organisation_id=charity.id,
        quantity=2,
        occurred_on=date(2026, 3, 1),
        status="confirmed",
    )
    # when
    first = [await record_impact(cause) for cause in (handed, lent, booked, shared)]
    again = [await record_impact(cause) for cause in (handed, lent, booked, shared)]
    # then
    assert all(r is not None for r in first) and again == [None] * 4
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 4
    by_cause = {
        "giveaway": await ImpactRecord.get(giveaway_request_id=handed.id),
        "loan": await ImpactRecord.get(loan_id=lent.id),
        "booking": await ImpactRecord.get(booking_id=booked.id),
        "offsite": await ImpactRecord.get(off_site_share_id=shared.id),
    }
    assert by_cause["giveaway"].diverted_g == 30_000
    assert by_cause["loan"].diverted_g == 200
    assert (by_cause["booking"].minutes, by_cause["booking"].value_minor) == (120, 2_400)
    assert by_cause["booking"].receiver_organisation_id == charity.id
    assert by_cause["offsite"].diverted_g == 60_000
    assert by_cause["offsite"].occurred_at.date() == date(2026, 3, 1)
    for record in by_cause.values():
        assert (record.owner_kind, record.owner_member_id) == ("member", alice.member.id)
        assert record.factor_id is not None
