"""The rule engine, one test per rule kind: given records of a few members (and organisations),
when the badge is evaluated over the hub, then exactly those whose record reaches the threshold
hold it; levels from points; rules with bad input refused with nothing written."""

from datetime import date, timedelta
from typing import Any

import pytest

from app.badges import awards, levels
from app.badges.errors import BadgeErrorCode as E
from app.badges.models import Award, BadgeClass, HolderKind, Period
from app.campaigns.models import PledgeStatus
from app.errors import DomainError, DomainErrors
from app.opportunities.models import Category, OpportunitySkill
from app.organisations import service as organisations
from app.people.models import Skill
from tests.badges.conftest import NOW, Records, actor_of


async def holders(badge: BadgeClass) -> set[int]:
    awarded = await Award.filter(badge_class_id=badge.id).values_list(
        "member_id" if badge.holder_kind == HolderKind.MEMBER else "organisation_id", flat=True
    )
    return set(awarded)  # type: ignore[arg-type]


async def evaluated(badge: BadgeClass) -> set[int]:
    await awards.award_by_rule(badge)
    return await holders(badge)


@pytest.fixture
async def people(make_person: Any) -> list[Any]:
    return [await make_person(display_name=n) for n in ("Bea", "Cy", "Dee")]


async def test_verified_hours_in_total_count_only_verified_records(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, dee = people
    await records.hours(bea, 300)  # 5 h
    await records.hours(bea, 300)  # 10 h in all
    await records.hours(cy, 540)  # 9 h
    await records.hours(dee, 600, status="pending")  # not verified
    ten = await badge("verified_hours", 10)
    assert await evaluated(ten) == {bea.member.id}


async def test_verified_hours_in_a_category_and_with_a_skill(
    hub: Any, records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, _ = people
    other = await Category.filter(hub_id=hub.id).order_by("-id").first()
    assert other is not None and other.id != (await records.category()).id
    gardening = await Skill.create(hub_id=hub.id, slug="gardening", name="Gardening")
    in_other = await records.opportunity(category_id=other.id)
    with_skill = await records.opportunity()
    await OpportunitySkill.create(
        hub_id=hub.id, opportunity_id=with_skill.id, skill_id=gardening.id
    )
    await records.hours(bea, 120, opportunity=in_other)
    await records.hours(cy, 600)  # 10 h, but in neither
    await records.hours(cy, 120, opportunity=with_skill)
    category = await badge("verified_hours", 2, category_id=other.id)
    skill = await badge("verified_hours", 2, skill_id=gardening.id)
    assert await evaluated(category) == {bea.member.id}
    assert await evaluated(skill) == {cy.member.id}


async def test_services_delivered_count_applications_with_verified_hours(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, _ = people
    for _ in range(3):
        await records.hours(bea, 30)
    shift = await records.opportunity()
    for _ in range(3):  # three records of one service
        await records.hours(cy, 30, opportunity=shift)
    assert await evaluated(await badge("services_delivered", 3)) == {bea.member.id}


async def test_giveaways_loans_and_bookings_count_the_owner_side(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, dee = people
    await records.share("giveaway", owner=bea, to=cy)
    await records.share("loan", owner=cy, to=bea)
    await records.share("bookable", owner=dee, to=bea)
    assert await evaluated(await badge("giveaways_completed", 1)) == {bea.member.id}
    assert await evaluated(await badge("loans_completed", 1)) == {cy.member.id}
    assert await evaluated(await badge("bookings_hosted", 1)) == {dee.member.id}


async def test_kilograms_diverted_count_both_sides_each_share_once(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, dee = people
    await records.share("giveaway", owner=bea, to=cy, diverted_g=60_000)
    await records.share("giveaway", owner=dee, to=bea, diverted_g=40_000)  # Bea: 100 kg
    assert await evaluated(await badge("kg_diverted", 100)) == {bea.member.id}


async def test_campaigns_backed_count_captured_pledges_only(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, _ = people
    await records.backed(bea)
    await records.backed(cy, status=PledgeStatus.ACTIVE)  # not succeeded (yet)
    await records.backed(cy, status=PledgeStatus.RELEASED)  # failed
    assert await evaluated(await badge("campaigns_backed", 1)) == {bea.member.id}


async def test_reviews_received_and_their_average(
    records: Records, people: list[Any], badge: Any, admin: Any
) -> None:
    bea, cy, dee = people
    for rating in (5, 4, 5):  # 4.67
        await records.review(bea, admin, rating)
    for rating in (5, 4, 4):  # 4.33
        await records.review(cy, admin, rating)
    for rating in (5, 5):  # 5.0, but fewer than 3 reviews
        await records.review(dee, admin, rating)
    assert await evaluated(await badge("reviews_received", 3)) == {bea.member.id, cy.member.id}
    assert await evaluated(await badge("review_average", 450)) == {bea.member.id}


async def test_reliability_is_verified_hours_against_accepted_places(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, dee = people
    for _ in range(5):  # 5 of 5 places delivered
        await records.hours(bea, 60)
    for i in range(5):  # 4 of 5
        if i:
            await records.hours(cy, 60)
        else:
            await records.place(cy, await records.opportunity())
    for _ in range(4):  # 4 of 4: too few places to tell
        await records.hours(dee, 60)
    await records.place(bea, await records.opportunity(ends=NOW + timedelta(days=2)))  # ahead
    assert await evaluated(await badge("reliability", 90)) == {bea.member.id}


async def test_streaks_are_consecutive_active_months(
    records: Records, people: list[Any], badge: Any
) -> None:
    bea, cy, _ = people
    for month in (1, 2, 3):  # three in a row (and two records in March)
        await records.hours(bea, 60, on=date(2026, month, 10))
    await records.hours(bea, 60, on=date(2026, 3, 20))
    for month in (1, 2, 4, 5):  # two runs of two
        await records.hours(cy, 60, on=date(2026, month, 10))
    assert await evaluated(await badge("active_streak_months", 3)) == {bea.member.id}


async def test_firsts_and_periods(records: Records, people: list[Any], badge: Any) -> None:
    bea, cy, _ = people
    await records.hours(bea, 60, on=NOW.date() - timedelta(days=400))  # over a year ago
    await records.hours(cy, 60)
    first = await badge("verified_hours", 1)  # the first verified hour
    this_year = await badge("verified_hours", 1, period=Period.PAST_YEAR)
    assert await evaluated(first) == {bea.member.id, cy.member.id}
    assert await evaluated(this_year) == {cy.member.id}


async def test_organisations_earn_from_their_opportunities_and_shares(
    records: Records, people: list[Any], badge: Any, admin: Any
) -> None:
    bea, cy, _ = people
    cafe = await organisations.create_organisation(
        actor=actor_of(admin), name="Repair café", kind="charity"
    )
    await records.hours(bea, 120, opportunity=await records.opportunity(organisation_id=cafe.id))
    await records.hours(cy, 60, opportunity=await records.opportunity())
    await records.share("giveaway", owner_org=cafe, to=cy)
    hours = await badge("verified_hours", 2, holder_kind=HolderKind.ORGANISATION)
    given = await badge("giveaways_completed", 1, holder_kind=HolderKind.ORGANISATION)
    assert await evaluated(hours) == {cafe.id}
    assert await evaluated(given) == {cafe.id}
    assert await evaluated(await badge("giveaways_completed", 1)) == set()  # no member gave


async def test_levels_add_up_the_points_of_badges_held(
    hub: Any, records: Records, people: list[Any], badge: Any, admin: Any
) -> None:
    bea, cy, dee = people
    await records.hours(bea, 600)
    await records.hours(cy, 60)
    first = await badge("verified_hours", 1, points=10)
    ten = await badge("verified_hours", 10, points=25)
    await awards.award_by_rule(first)
    await awards.award_by_rule(ten)
    standing = await levels.standings(hub_id=hub.id, member_ids=[bea.member.id, cy.member.id,
                                                                   dee.member.id])  # fmt: skip
    # Default levels: Newcomer 0, Helper 30, Contributor 100
    assert [(s.points, s.level) for s in standing] == [
        (35, "Helper"),
        (10, "Newcomer"),
        (0, "Newcomer"),
    ]
    # when: Bea's ten-hours badge is revoked, its points no longer count
    await awards.revoke(
        actor=actor_of(admin, *admin_roles()), badge_class_id=ten.id, reason="Hours disputed",
        member_id=bea.member.id,
    )  # fmt: skip
    [after] = await levels.standings(hub_id=hub.id, member_ids=[bea.member.id])
    assert (after.points, after.level) == (10, "Newcomer")


def admin_roles() -> tuple[Any, ...]:
    from app.people.models import Role

    return (Role.HUB_ADMIN,)


async def test_rules_with_unknown_metrics_or_negative_thresholds_write_nothing(
    hub: Any, badge: Any
) -> None:
    before = await BadgeClass.filter(hub_id=hub.id).count()
    with pytest.raises(DomainErrors) as caught:
        await badge("karma", -1, name="Bad rule")
    assert sorted((e.code, e.field) for e in caught.value.errors) == [
        (E.NEGATIVE_THRESHOLD, "threshold"),
        (E.UNKNOWN_METRIC, "metric"),
    ]
    with pytest.raises((DomainError, DomainErrors)) as one:
        await badge("reliability", 90, holder_kind=HolderKind.ORGANISATION)
    codes = [e.code for e in getattr(one.value, "errors", [one.value])]
    assert codes == [E.NOT_FOR_HOLDER]
    assert await BadgeClass.filter(hub_id=hub.id).count() == before
