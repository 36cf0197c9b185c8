"""Impact numbers that add up: a small hub's history (hours for and by an organisation, shares
both ways, credits spent with it) and every total of the organisation's monthly profile and of
a member's portfolio checked against the records underneath; success stories (moderated, and
never about someone else's work); opt-in leaderboards."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from app.assets.impact_models import ImpactRecord
from app.badges import awards, leaderboards
from app.badges.errors import BadgeErrorCode as E
from app.badges.models import BadgeClass, Period, StoryStatus, SuccessStory
from app.credits import ledger
from app.credits.models import SystemAccount, Transfer, TransferKind
from app.errors import DomainError
from app.impact import profiles, stories
from app.opportunities.models import Application, Opportunity
from app.organisations import service as organisations
from app.people.models import Role
from app.portfolios import service as portfolios
from app.portfolios.models import HoursRecord
from tests.badges.conftest import Records, actor_of

JAN, FEB = datetime(2026, 1, 12, 10, tzinfo=UTC), datetime(2026, 2, 9, 10, tzinfo=UTC)


@dataclass
class Hub:
    """Ada's repair café, volunteers Bea and Cy, Dee helped by the café, Cy's other club."""

    bea: Any
    cy: Any
    dee: Any
    ada: Any
    cafe: Any
    other: Any
    hub: Any


@pytest.fixture
async def small_hub(hub: Any, admin: Any, make_person: Any, records: Records) -> Hub:
    bea, cy, dee = [await make_person(display_name=n) for n in ("Bea", "Cy", "Dee")]
    cafe = await organisations.create_organisation(
        actor=actor_of(admin), name="Repair café", kind="business"
    )
    other = await organisations.create_organisation(
        actor=actor_of(cy), name="Other club", kind="charity"
    )
    # Volunteers help the café (its requests): Bea 3 h in January and 2 h in February, Cy 1 h
    # in February; a request of another organisation does not count for the café
    fix = await records.opportunity(organisation_id=cafe.id)
    await records.hours(bea, 180, on=JAN.date(), opportunity=fix)
    await records.hours(bea, 120, on=FEB.date(), opportunity=fix)
    await records.hours(cy, 60, on=FEB.date(), opportunity=await records.opportunity(
        organisation_id=cafe.id))  # fmt: skip
    await records.hours(cy, 600, on=FEB.date(), opportunity=await records.opportunity(
        organisation_id=other.id))  # fmt: skip
    await records.hours(bea, 45, on=FEB.date(), opportunity=fix, status="pending")
    # The café helps Dee (its offer, Ada volunteering): 90 min in February
    offer = await Opportunity.create(
        hub_id=hub.id, kind="offer", status="published", title="Repairs",
        category_id=(await records.category()).id, poster_id=admin.member.id,
        organisation_id=cafe.id,
    )  # fmt: skip
    placed = await Application.create(
        hub_id=hub.id, opportunity_id=offer.id, applicant_id=dee.member.id, status="accepted"
    )
    await HoursRecord.create(
        hub_id=hub.id, application_id=placed.id, opportunity_id=offer.id,
        volunteer_id=admin.member.id, worked_on=FEB.date(), minutes=90, status="verified",
    )  # fmt: skip
    # Shares: the café gives Bea a desk (January); Bea gives the café shelves (February); Cy
    # lends Dee a drill (February, not the café's)
    await records.share("giveaway", owner_org=cafe, to=bea, diverted_g=30_000, co2e_g=43_500,
                        value_minor=32_000, at=JAN)  # fmt: skip
    await records.share("giveaway", owner=bea, to=admin, to_org=cafe, diverted_g=12_000,
                        co2e_g=17_400, value_minor=9_000, at=FEB)  # fmt: skip
    await records.share("loan", owner=cy, to=dee, diverted_g=300, co2e_g=856, at=FEB)
    # Credits: Dee spends 250 at the café (a voucher), 40 are only held
    async with in_transaction():
        dees = await ledger.member_account(hub.id, dee.member.id)
        cafes = await ledger.organisation_account(hub.id, cafe.id)
        issuance = await ledger.system_account(hub.id, SystemAccount.ISSUANCE)
        await ledger.post(source=issuance, destination=dees, amount=1000,
                          kind=TransferKind.ADJUSTMENT, memo="welcome")  # fmt: skip
        await ledger.post(source=dees, destination=cafes, amount=250, kind=TransferKind.VOUCHER,
                          memo="coffee")  # fmt: skip
        await ledger.hold(source=dees, destination=cafes, amount=40, kind=TransferKind.VOUCHER,
                          memo="held")  # fmt: skip
    return Hub(bea=bea, cy=cy, dee=dee, ada=admin, cafe=cafe, other=other, hub=hub)


def month(d: date | datetime) -> str:
    return f"{d.year:04d}-{d.month:02d}"


async def expected_for(hub_id: int, org_id: int) -> dict[str, dict[str, Any]]:
    """The profile computed in Python from the rows themselves."""
    want: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    helped: dict[str, set[int]] = defaultdict(set)
    filled: dict[str, set[int]] = defaultdict(set)
    for h in await HoursRecord.filter(hub_id=hub_id, status="verified"):
        o = await Opportunity.get(id=h.opportunity_id)
        if o.organisation_id != org_id:
            continue
        m = month(h.worked_on)
        key = "hours_received_minutes" if o.kind == "request" else "hours_given_minutes"
        want[m][key] += h.minutes
        filled[m].add(o.id)
        if o.kind == "offer":
            helped[m].add((await Application.get(id=h.application_id)).applicant_id)
    for r in await ImpactRecord.filter(hub_id=hub_id):
        if org_id not in (r.owner_organisation_id, r.receiver_organisation_id):
            continue
        m = month(r.occurred_at)
        want[m]["diverted_g"] += r.diverted_g
        want[m]["co2e_g"] += r.co2e_g
        want[m]["value_GBP"] += r.value_minor
    cafes = await ledger.organisation_account(hub_id, org_id)
    for t in await Transfer.filter(hub_id=hub_id, destination_id=cafes.id, status="posted"):
        want[month(t.created_at)]["credits_received"] += t.amount
    for m in helped | filled:
        want[m]["people_helped"] = len(helped[m])
        want[m]["opportunities_filled"] = len(filled[m])
    return {m: dict(v) for m, v in want.items()}


def shown(p: profiles.MonthImpact) -> dict[str, Any]:
    found = {
        k: getattr(p, k)
        for k in ("hours_received_minutes", "hours_given_minutes", "people_helped",
                  "opportunities_filled", "diverted_g", "co2e_g", "credits_received")
    }  # fmt: skip
    found |= {f"value_{m.currency}": m.amount_minor for m in p.value_saved}
    return {k: v for k, v in found.items() if v}


async def test_every_total_of_the_organisation_profile_adds_up_to_its_records(
    small_hub: Hub,
) -> None:
    h = small_hub
    now = datetime.now(UTC)
    months = await profiles.organisation_months(
        hub_id=h.hub.id, organisation_id=h.cafe.id, since=JAN - timedelta(days=40),
        until=now + timedelta(days=1),
    )  # fmt: skip
    want = await expected_for(h.hub.id, h.cafe.id)
    assert {p.month: shown(p) for p in months} == {
        m: {k: v for k, v in totals.items() if v} for m, totals in want.items()
    }
    # and by hand, the figures the story tells: January 3 h received, 30 kg; February 3 h
    # received, 1.5 h given to one person, 12 kg received; 250 credits spent this month
    jan, feb = (next(p for p in months if p.month == m) for m in ("2026-01", "2026-02"))
    assert (jan.hours_received_minutes, jan.diverted_g) == (180, 30_000)
    assert (feb.hours_received_minutes, feb.hours_given_minutes, feb.people_helped) == (
        180, 90, 1,
    )  # fmt: skip
    assert (feb.opportunities_filled, feb.diverted_g, feb.co2e_g) == (3, 12_000, 17_400)
    assert next(p for p in months if p.month == month(now)).credits_received == 250


async def test_a_members_portfolio_shows_badges_level_and_impact_from_the_records(
    small_hub: Hub,
) -> None:
    h = small_hub
    first = await BadgeClass.get(hub_id=h.hub.id, slug="first-hours")
    giveaway = await BadgeClass.get(hub_id=h.hub.id, slug="first-giveaway")
    await awards.award_by_rule(first)
    await awards.award_by_rule(giveaway)
    portfolio = await portfolios.build(hub_id=h.hub.id, member=h.bea.member)
    assert [b.slug for b in portfolio.badges] == ["first-hours", "first-giveaway"]
    assert (portfolio.points, portfolio.level) == (20, "Newcomer")
    bea_rows = [
        r for r in await ImpactRecord.filter(hub_id=h.hub.id)
        if h.bea.member.id in (r.owner_member_id, r.receiver_member_id)
    ]  # fmt: skip
    assert portfolio.impact.total.shares == len(bea_rows) == 2
    assert portfolio.impact.total.diverted_g == sum(r.diverted_g for r in bea_rows) == 42_000
    cv = portfolio.as_json()
    assert cv["level"] == "Newcomer" and cv["points"] == 20
    assert [b["name"] for b in cv["badges"]] == ["First hours", "First giveaway"]
    assert cv["impact"]["kilogramsDiverted"] == 42.0


async def test_a_story_about_someone_elses_work_is_refused_and_nothing_written(
    small_hub: Hub,
) -> None:
    h = small_hub
    others = await Opportunity.get(organisation_id=h.other.id)
    loan = await ImpactRecord.get(loan_id__isnull=False, hub_id=h.hub.id)
    ada = actor_of(h.ada)
    for link in ({"opportunity_id": others.id}, {"impact_record_id": loan.id}):
        with pytest.raises(DomainError) as caught:
            await stories.submit_story(actor=ada, given=stories.StoryInput(
                organisation_id=h.cafe.id, title="We did it", body="Story", **link))  # fmt: skip
        assert caught.value.code == E.NOT_YOUR_WORK
    # a person not of the organisation cannot write its story either
    ours = await Opportunity.filter(organisation_id=h.cafe.id, kind="request").first()
    assert ours is not None
    with pytest.raises(DomainError) as outsider:
        await stories.submit_story(actor=actor_of(h.bea), given=stories.StoryInput(
            organisation_id=h.cafe.id, title="Us", body="Story", opportunity_id=ours.id))  # fmt: skip
    assert outsider.value.code == E.FORBIDDEN
    assert await SuccessStory.filter(hub_id=h.hub.id).count() == 0


async def test_a_story_shows_once_a_moderator_approves_it(small_hub: Hub, make_person: Any) -> None:
    h = small_hub
    ours = await Opportunity.filter(organisation_id=h.cafe.id, kind="request").first()
    assert ours is not None
    story = await stories.submit_story(actor=actor_of(h.ada), given=stories.StoryInput(
        organisation_id=h.cafe.id, title="Fixed 40 bikes", body="With Bea's help.",
        opportunity_id=ours.id))  # fmt: skip
    assert story.status == StoryStatus.PENDING
    with pytest.raises(DomainError) as denied:
        await stories.moderate_story(actor=actor_of(h.bea), story_id=story.id, approve=True)
    assert denied.value.code == E.FORBIDDEN
    mod = await make_person(display_name="Mo", roles=[Role.MODERATOR])
    approved = await stories.moderate_story(
        actor=actor_of(mod, Role.MODERATOR), story_id=story.id, approve=True
    )
    assert approved.status == StoryStatus.APPROVED and approved.moderated_by_id == mod.member.id
    with pytest.raises(DomainError) as twice:
        await stories.moderate_story(
            actor=actor_of(mod, Role.MODERATOR), story_id=story.id, approve=False
        )
    assert twice.value.code == E.ALREADY_MODERATED


async def test_leaderboards_show_only_members_who_opted_in(small_hub: Hub) -> None:
    h = small_hub
    for slug in ("first-hours", "first-giveaway"):
        await awards.award_by_rule(await BadgeClass.get(hub_id=h.hub.id, slug=slug))
    assert await leaderboards.leaderboard(hub_id=h.hub.id) == []
    await leaderboards.set_opt_in(actor=actor_of(h.cy), opted_in=True)
    await leaderboards.set_opt_in(actor=actor_of(h.bea), opted_in=True)
    board = await leaderboards.leaderboard(hub_id=h.hub.id, period=Period.PAST_MONTH)
    assert [(e.rank, e.display_name, e.points) for e in board] == [(1, "Bea", 20), (2, "Cy", 10)]
    await leaderboards.set_opt_in(actor=actor_of(h.bea), opted_in=False)
    assert [e.display_name for e in await leaderboards.leaderboard(hub_id=h.hub.id)] == ["Cy"]
