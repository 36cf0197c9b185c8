"""Settlement through the service: success posts every hold (pledges and match) to the
recipient in set-based batches, failure and cancellation void them, running twice changes
nothing, and the books balance."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.campaigns import funding, notify, pledges, settlement
from app.campaigns import service as campaigns
from app.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    GroupBuyOrder,
    InKindKind,
    InKindPledge,
    InKindStatus,
    Pledge,
    PledgeStatus,
)
from app.credits import ledger
from app.credits.models import Account, Transfer, TransferStatus
from app.matching.models import Notification, NotificationKind
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from tests.campaigns.conftest import actor_of, books, fund, fund_account


async def _past_deadline(campaign: Campaign) -> None:
    await Campaign.filter(id=campaign.id).update(deadline=datetime.now(UTC) - timedelta(seconds=1))


async def _pledge(
    person: Any, campaign: Campaign, amount: int | None = None, units: int | None = None
) -> Pledge:
    return await pledges.pledge(
        actor=actor_of(person),
        campaign_id=campaign.id,
        given=pledges.Amount(amount=amount, units=units),
        idempotency_key=f"pledge-{person.member.id}-{campaign.id}",
    )


async def test_a_project_that_reaches_its_target_with_a_match_is_paid_in_full_once(
    hub: Any, alice: Any, make_person: Any, organisation: Any, open_campaign: Any
) -> None:
    # given: a project of 1000, two backers, a council matching 1:1 up to 300 (150 a backer)
    project = await open_campaign(alice, target=1000)
    ben, cat = await make_person(display_name="Ben"), await make_person(display_name="Cat")
    await fund(hub.id, ben.member.id, 500)
    await fund(hub.id, cat.member.id, 500)
    clerk = await make_person(display_name="Clerk")
    council = await organisation(clerk, "City Council", "council_service")
    await fund_account(await ledger.organisation_account(hub.id, council.id), 1000)
    await funding.attach_match_pot(
        actor=actor_of(clerk),
        campaign_id=project.id,
        given=funding.PotInput(funder_id=council.id, total_cap=300, cap_per_backer=150),
    )
    first = await _pledge(ben, project, amount=400)
    await _pledge(cat, project, amount=200)
    # when: ben lowers to 350, raises to 450; the deadline passes and settlement runs twice
    await pledges.change_pledge(
        actor=actor_of(ben),
        pledge_id=first.id,
        given=pledges.Amount(amount=350),
        idempotency_key="lower-ben-1",
    )
    await pledges.change_pledge(
        actor=actor_of(ben),
        pledge_id=first.id,
        given=pledges.Amount(amount=450),
        idempotency_key="raise-ben-1",
    )
    live = await Campaign.get(id=project.id)
    assert (live.pledged, live.matched, live.backers) == (650, 300, 2)
    assert campaigns.progress(live).percent == 95
    await _past_deadline(project)
    # the target is 1000 and 650 + 300 = 950 < 1000: it fails; raise cat so it succeeds
    await Campaign.filter(id=project.id).update(target=900)
    assert await settlement.settle(project.id) == "settled"
    before = await books(hub.id)
    assert await settlement.settle(project.id) == "not due"
    # then: succeeded; the recipient got 650 + 300; no hold left; books sum to zero
    done = await Campaign.get(id=project.id)
    assert done.status == CampaignStatus.SUCCEEDED and done.settled_at is not None
    recipient = await Account.get(id=done.recipient_account_id)
    assert (recipient.balance, recipient.held) == (950, 0)
    assert (
        await books(hub.id)
        == before
        == {"total": 0, "held": 0, "below": 0, "pending": 0, "entries": 0}
    )
    group = Transfer.filter(hub_id=hub.id, group=done.hold_group)
    # 2 pledges and the pot's one hold of 300 (its earlier holds voided as the shares moved)
    posted = await group.filter(status=TransferStatus.POSTED).order_by("id")
    assert sorted(t.amount for t in posted) == [200, 300, 450]
    assert await group.filter(status=TransferStatus.PENDING).count() == 0
    assert set(await Pledge.filter(campaign_id=project.id).values_list("status", flat=True)) == {
        PledgeStatus.CAPTURED
    }
    told = Notification.filter(hub_id=hub.id, kind=NotificationKind.CAMPAIGN_SUCCEEDED)
    for _ in range(2):  # the job that tells the backers, run twice: each told once
        await notify.tell_backers(campaign_id=project.id, what="outcome")
    assert await told.count() == 2
    council_account = await ledger.organisation_account(hub.id, council.id)
    assert (council_account.balance, council_account.held) == (700, 0)


async def test_a_failed_project_releases_every_hold_and_lapses_in_kind(
    hub: Any, alice: Any, make_person: Any, open_campaign: Any
) -> None:
    project = await open_campaign(alice, target=10_000, count_in_kind=True)
    ben = await make_person(display_name="Ben")
    await fund(hub.id, ben.member.id, 500)
    await _pledge(ben, project, amount=300)
    await funding.pledge_in_kind(
        actor=actor_of(ben),
        campaign_id=project.id,
        given=funding.InKindInput(kind=InKindKind.HOURS, minutes=120),
    )
    await _past_deadline(project)
    assert await settlement.settle(project.id) == "settled"
    done = await Campaign.get(id=project.id)
    assert done.status == CampaignStatus.FAILED
    account = await ledger.member_account(hub.id, ben.member.id)
    assert (account.balance, account.held) == (500, 0)
    assert (await InKindPledge.get(campaign_id=project.id)).status == InKindStatus.LAPSED
    assert (await books(hub.id))["pending"] == 0


async def test_hour_pledges_become_accepted_places_when_the_project_succeeds(
    hub: Any, alice: Any, make_person: Any, open_campaign: Any
) -> None:
    project = await open_campaign(alice, target=200, count_in_kind=True)
    ben, cat = await make_person(display_name="Ben"), await make_person(display_name="Cat")
    for person in (ben, cat):
        await funding.pledge_in_kind(
            actor=actor_of(person),
            campaign_id=project.id,
            given=funding.InKindInput(kind=InKindKind.HOURS, minutes=120),
        )
    live = await Campaign.get(id=project.id)
    assert live.in_kind == 240 and campaigns.progress(live).percent == 120  # 60 credits an hour
    await _past_deadline(project)
    assert await settlement.settle(project.id) == "settled"
    done = await Campaign.get(id=project.id)
    assert done.status == CampaignStatus.SUCCEEDED and done.opportunity_id is not None
    opportunity = await Opportunity.get(id=done.opportunity_id)
    assert (opportunity.places, opportunity.accepted_count) == (2, 2)
    accepted = Application.filter(opportunity_id=opportunity.id, status=ApplicationStatus.ACCEPTED)
    assert await accepted.count() == 2


async def test_a_group_buy_tips_and_writes_one_order_per_backer_with_a_code(
    hub: Any, alice: Any, make_person: Any, organisation: Any, open_campaign: Any
) -> None:
    shop = await organisation(alice, "Veg box co-op")
    buy = await open_campaign(
        alice,
        kind=CampaignKind.GROUP_BUY,
        supplier_id=shop.id,
        unit_price=30,
        tipping_units=3,
        max_units=5,
    )
    people = [await make_person(display_name=f"B{n}") for n in range(3)]
    for person in people:
        await fund(hub.id, person.member.id, 100)
        await _pledge(person, buy, units=1)
    tipped = await Campaign.get(id=buy.id)
    assert tipped.status == CampaignStatus.TIPPED and tipped.tipped_at is not None
    await settlement.settle(buy.id)  # not due yet: nothing happens
    assert (await Campaign.get(id=buy.id)).status == CampaignStatus.TIPPED
    await _past_deadline(buy)
    await settlement.settle(buy.id)
    await settlement.settle(buy.id)
    orders = await GroupBuyOrder.filter(campaign_id=buy.id)
    assert len(orders) == 3 and len({o.code for o in orders}) == 3
    assert all((o.units, o.total, o.supplier_id) == (1, 30, shop.id) for o in orders)
    supplier = await ledger.organisation_account(hub.id, shop.id)
    assert supplier.balance == 90


async def test_settlement_in_small_batches_resumes_after_a_cut(
    hub: Any, alice: Any, make_person: Any, open_campaign: Any
) -> None:
    project = await open_campaign(alice, target=10)
    people = [await make_person(display_name=f"B{n}") for n in range(5)]
    for person in people:
        await fund(hub.id, person.member.id, 10)
        await _pledge(person, project, amount=5)
    await _past_deadline(project)
    decided = await settlement.decide(project.id)
    assert decided is not None
    from tortoise.transactions import in_transaction

    async with in_transaction():
        locked = await Campaign.select_for_update().get(id=project.id)
        assert await settlement.settle_batch(locked, 2) == 2
    captured = await Pledge.filter(campaign_id=project.id, status=PledgeStatus.CAPTURED).count()
    assert captured == 2
    assert await settlement.settle(project.id) == "settled"
    recipient = await Account.get(id=(await Campaign.get(id=project.id)).recipient_account_id)
    assert recipient.balance == 25
    assert (await books(hub.id))["pending"] == 0
