"""Guests' earnings after the review of issue 22: held earnings cross when payments the other
way free room (the housekeeping cron), at the amount earned; a guest account is never a payee;
the categories of both sides of the link decide an earning as they decide an application."""

from typing import Any

import pytest

from app.credits import service as credits
from app.errors import DomainError
from app.federation import payments
from app.federation.models import GuestEarning, HubLink
from app.hubs.models import Hub
from app.people.models import Role
from tests.federation.conftest import actor, books
from tests.federation.test_guests import World, _balance, _guest, _verified_records, world
from workers.tasks import credits_housekeeping

__all__ = ["world"]  # the fixture, shared with test_guests


async def test_a_held_earning_crosses_when_payments_the_other_way_free_room(
    world: World,
) -> None:
    # given: A extends B's side 60 credits; two verified hours of 60: one paid, one held
    pair = world.pair
    mine, _theirs = await pair.link(limit=60, other_limit=1000)
    first, second = await _verified_records(world, 2)
    await credits.earn_for_hours(hours_record_id=first.id)
    await credits.earn_for_hours(hours_record_id=second.id)
    held = await GuestEarning.get(hours_record_id=second.id)
    assert (held.status, held.reason, held.amount) == ("held", "over_link_limit", 60)
    # and B doubles its credits per hour meanwhile
    await Hub.filter(id=pair.other.id).update(credits_per_hour=120)
    # when: Paola pays a member of B 60 (A's clearing account is back at 0), then the
    # housekeeping cron runs
    await payments.pay(
        actor=actor(world.paola), partner_slug=pair.other.slug, payee_id=pair.payee.member.id,
        amount=60, idempotency_key="pay-back",
    )  # fmt: skip
    result = await credits_housekeeping({})
    # then: the held earning crossed, at the 60 earned when verified (not at today's rate)
    assert result["guest_earnings_released"] >= 1
    assert (await GuestEarning.get(hours_record_id=second.id)).status == "paid"
    assert await _balance(pair.hub.id, world.paola.member.id) == 60
    assert (await HubLink.get(id=mine.id)).credit_limit == 60
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    # and a second run pays nothing more
    assert (await credits_housekeeping({}))["guest_earnings_released"] == 0


async def test_a_guest_account_is_never_paid(world: World) -> None:
    # given: Paola's guest account in B
    pair = world.pair
    await pair.link()
    await _verified_records(world, 1)
    guest = await _guest(world)
    # when / then: a member of B paying the guest, Paola's hub paying it across the link, and
    # A's admin paying it for hours: each refused as no such member, nothing written
    attempts = [
        credits.pay(actor=actor(world.olga), payee_id=guest.id, amount=1, idempotency_key="guest-pay-1"),
        payments.pay(
            actor=actor(pair.payer), partner_slug=pair.other.slug, payee_id=guest.id, amount=1,
            idempotency_key="guest-pay-2",
        ),
        payments.credit_hours(
            actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug=pair.other.slug,
            volunteer_id=guest.id, minutes=30, idempotency_key="guest-pay-3",
        ),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            await attempt
        assert getattr(refused.value.code, "value", refused.value.code) == "not_found"
    assert await _balance(pair.other.id, guest.id) == 0
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)


async def test_an_earning_in_a_category_the_partner_no_longer_carries_is_held(
    world: World,
) -> None:
    # given: verified gardening hours; then B's side limits the link to cooking
    pair = world.pair
    _mine, theirs = await pair.link()
    [record] = await _verified_records(world, 1)
    await HubLink.filter(id=theirs.id).update(allowed_categories=["cooking"])
    # when
    assert await credits.earn_for_hours(hours_record_id=record.id) is None
    # then: held for the category, nothing moved
    earning: Any = await GuestEarning.get(hours_record_id=record.id)
    assert (earning.status, earning.reason) == ("held", "category_not_allowed")
    assert await _balance(pair.hub.id, world.paola.member.id) == 0
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
