"""Withdrawing an in-kind pledge through the API, in-kind backers told the outcome (accepted
places at success, lapsed at failure) like credit backers, and a group buy that closes at its
maximum: decided at once, no more pledges or changes, settled without waiting for the
deadline."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.campaigns import funding, notify, pledges, settlement
from app.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    GroupBuyOrder,
    InKindKind,
    InKindPledge,
    InKindStatus,
)
from app.campaigns.service import SETTLE_JOB
from app.credits import ledger
from app.errors import DomainError
from app.jobs.models import OutboxJob
from app.matching.models import Notification, NotificationKind
from tests.campaigns.conftest import actor_of, fund, gid
from tests.helpers import Person

PLEDGE_IN_KIND = """
mutation InKind($input: PledgeInKindInput!) {
  pledgeInKind(input: $input) {
    inKindPledge { id kind status minutes value campaign { id } }
    errors { code field }
  }
}"""
WITHDRAW_IN_KIND = """
mutation WithdrawInKind($input: WithdrawInKindPledgeInput!) {
  withdrawInKindPledge(input: $input) {
    inKindPledge { id status }
    errors { code field message }
  }
}"""
MINE = """
query Mine { myInKindPledges(first: 10) { edges { node { id status value } } } }
"""
PROGRESS = """
query Progress($id: ID!) { node(id: $id) { ... on Campaign { progress { inKind percent } } } }
"""


async def test_a_backer_withdraws_an_in_kind_pledge_through_the_api(
    gql: Any, alice: Person, make_person: Any, open_campaign: Any
) -> None:
    # given: Alice's project counting in-kind pledges; Ben pledges two hours through the API
    project = await open_campaign(alice, target=1000, count_in_kind=True)
    project_id = gid("Campaign", project.id)
    ben, cat = await make_person(display_name="Ben"), await make_person(display_name="Cat")
    made = (
        await gql(
            PLEDGE_IN_KIND,
            {"input": {"campaignId": project_id, "kind": "HOURS", "minutes": 120}},
            as_=ben,
        )
    )["pledgeInKind"]
    assert made["errors"] == [] and made["inKindPledge"]["value"] == 120
    pledge_id = made["inKindPledge"]["id"]
    mine = (await gql(MINE, as_=ben))["myInKindPledges"]["edges"]
    assert [e["node"]["id"] for e in mine] == [pledge_id]
    assert (await gql(MINE, as_=cat))["myInKindPledges"]["edges"] == []
    # when: Cat tries to withdraw it
    body = await gql.raw(WITHDRAW_IN_KIND, {"input": {"inKindPledgeId": pledge_id}}, as_=cat)
    # then: refused, it still counts
    refused = body.get("errors") or body["data"]["withdrawInKindPledge"]["errors"]
    assert refused, body
    assert (await InKindPledge.get(campaign_id=project.id)).status == InKindStatus.ACTIVE
    # when: Ben withdraws it, then again; and a bad id
    first = (await gql(WITHDRAW_IN_KIND, {"input": {"inKindPledgeId": pledge_id}}, as_=ben))[
        "withdrawInKindPledge"
    ]
    again = (await gql(WITHDRAW_IN_KIND, {"input": {"inKindPledgeId": pledge_id}}, as_=ben))[
        "withdrawInKindPledge"
    ]
    bad = (await gql(WITHDRAW_IN_KIND, {"input": {"inKindPledgeId": "nonsense"}}, as_=ben))[
        "withdrawInKindPledge"
    ]
    # then: withdrawn once, the campaign's in-kind total back to 0; typed errors after
    assert first["errors"] == [] and first["inKindPledge"]["status"] == "WITHDRAWN"
    assert [e["code"] for e in again["errors"]] == ["NOT_OPEN"]
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID", "inKindPledgeId")]
    progress = (await gql(PROGRESS, {"id": project_id}, as_=ben))["node"]["progress"]
    assert progress == {"inKind": 0, "percent": 0}
    # when: the deadline passes and Ben pledges again, then withdraws another
    again_made = await funding.pledge_in_kind(
        actor=actor_of(ben),
        campaign_id=project.id,
        given=funding.InKindInput(kind=InKindKind.ITEM, description="A ladder", value=30),
    )
    await Campaign.filter(id=project.id).update(deadline=datetime.now(UTC) - timedelta(seconds=1))
    late = (
        await gql(
            WITHDRAW_IN_KIND,
            {"input": {"inKindPledgeId": gid("InKindPledge", again_made.id)}},
            as_=ben,
        )
    )["withdrawInKindPledge"]
    # then
    assert [e["code"] for e in late["errors"]] == ["DEADLINE_PASSED"]
    assert (await InKindPledge.get(id=again_made.id)).status == InKindStatus.ACTIVE


async def _outcome_of(hub_id: int, member_id: int) -> list[tuple[str, str]]:
    rows = await Notification.filter(hub_id=hub_id, member_id=member_id).order_by("id")
    return [(n.kind.value, n.reason) for n in rows if n.kind.value.startswith("campaign_")]


async def test_in_kind_backers_are_told_the_outcome_once_like_credit_backers(
    hub: Any, alice: Any, make_person: Any, open_campaign: Any
) -> None:
    # given: a project that will succeed (Ben: two hours and 100 credits; Cat: an item) and
    # one that will fail (Dan: an hour)
    won = await open_campaign(alice, target=200, count_in_kind=True)
    lost = await open_campaign(alice, title="Too big", target=100_000, count_in_kind=True)
    ben, cat, dan = [await make_person(display_name=n) for n in ("Ben", "Cat", "Dan")]
    await fund(hub.id, ben.member.id, 100)
    await pledges.pledge(
        actor=actor_of(ben),
        campaign_id=won.id,
        given=pledges.Amount(amount=100),
        idempotency_key="ben-won-pledge",
    )
    for person, campaign, given in (
        (ben, won, funding.InKindInput(kind=InKindKind.HOURS, minutes=120)),
        (cat, won, funding.InKindInput(kind=InKindKind.ITEM, description="Spades", value=25)),
        (dan, lost, funding.InKindInput(kind=InKindKind.HOURS, minutes=60)),
    ):
        await funding.pledge_in_kind(actor=actor_of(person), campaign_id=campaign.id, given=given)
    await Campaign.filter(id__in=[won.id, lost.id]).update(
        deadline=datetime.now(UTC) - timedelta(seconds=1)
    )
    # when: both settle and the job telling the backers runs twice for each
    for campaign in (won, lost):
        assert await settlement.settle(campaign.id) == "settled"
        for _ in range(2):
            await notify.tell_backers(campaign_id=campaign.id, what="outcome")
    # then: the won project's in-kind backers are told their pledge was accepted (Ben's hours
    # are an accepted place), once each, beside Ben's credit notification; Dan's lapsed
    assert (await Campaign.get(id=won.id)).status == CampaignStatus.SUCCEEDED
    assert (await Campaign.get(id=lost.id)).status == CampaignStatus.FAILED
    succeeded = NotificationKind.CAMPAIGN_SUCCEEDED.value
    ben_told = await _outcome_of(hub.id, ben.member.id)
    assert sorted(kind for kind, _ in ben_told) == [succeeded, succeeded]
    assert any("accepted place" in reason and "120 credits" in reason for _, reason in ben_told)
    cat_told = await _outcome_of(hub.id, cat.member.id)
    assert cat_told == [
        (succeeded, notify._in_kind_reason(await Campaign.get(id=won.id)).format(credits=25))
    ]
    dan_told = await _outcome_of(hub.id, dan.member.id)
    assert [kind for kind, _ in dan_told] == [NotificationKind.CAMPAIGN_FAILED.value]
    assert "lapsed" in dan_told[0][1]
    statuses = {
        p.member_id: p.status for p in await InKindPledge.filter(campaign_id__in=[won.id, lost.id])
    }
    assert statuses == {
        ben.member.id: InKindStatus.ACCEPTED,
        cat.member.id: InKindStatus.ACCEPTED,
        dan.member.id: InKindStatus.LAPSED,
    }


async def test_a_group_buy_that_reaches_its_maximum_closes_and_settles_at_once(
    hub: Any, alice: Any, make_person: Any, organisation: Any, open_campaign: Any
) -> None:
    # given: a group buy tipping at 2 units, at most 3, 30 credits a unit, deadline in an hour
    shop = await organisation(alice, "Apple press co-op")
    buy = await open_campaign(
        alice,
        kind=CampaignKind.GROUP_BUY,
        supplier_id=shop.id,
        unit_price=30,
        tipping_units=2,
        max_units=3,
    )
    ben, cat, dan = [await make_person(display_name=n) for n in ("Ben", "Cat", "Dan")]
    for person in (ben, cat, dan):
        await fund(hub.id, person.member.id, 200)
    first = await pledges.pledge(
        actor=actor_of(ben),
        campaign_id=buy.id,
        given=pledges.Amount(units=2),
        idempotency_key="ben-pledge",
    )
    assert (await Campaign.get(id=buy.id)).status == CampaignStatus.TIPPED
    # when: Cat takes the last unit
    await pledges.pledge(
        actor=actor_of(cat),
        campaign_id=buy.id,
        given=pledges.Amount(units=1),
        idempotency_key="cat-pledge",
    )
    # then: it closed: decided (SUCCEEDED) before its deadline, its settlement queued now
    closed = await Campaign.get(id=buy.id)
    assert closed.status == CampaignStatus.SUCCEEDED and closed.closed_at is not None
    assert closed.deadline > datetime.now(UTC) and closed.units == 3
    queued = await OutboxJob.get(key=f"{SETTLE_JOB}:{buy.id}:full")
    assert queued.run_after is None
    # when: Dan pledges, Ben lowers and withdraws: each refused, nothing moves
    attempts = [
        pledges.pledge(
            actor=actor_of(dan),
            campaign_id=buy.id,
            given=pledges.Amount(units=1),
            idempotency_key="dan-pledge",
        ),
        pledges.change_pledge(
            actor=actor_of(ben),
            pledge_id=first.id,
            given=pledges.Amount(units=1),
            idempotency_key="ben-lowers",
        ),
        pledges.withdraw_pledge(actor=actor_of(ben), pledge_id=first.id),
    ]
    for attempt in attempts:
        try:
            await attempt
        except DomainError as error:
            assert error.code.value == "beyond_maximum", error
        else:
            raise AssertionError("a closed group buy took a change")
    dan_account = await ledger.member_account(hub.id, dan.member.id)
    assert (dan_account.balance, dan_account.held) == (200, 0)
    # when: the queued settlement runs (before the deadline), twice
    assert await settlement.settle(buy.id) == "settled"
    assert await settlement.settle(buy.id) == "not due"
    # then: the supplier is paid for 3 units and each backer has an order with a code
    supplier = await ledger.organisation_account(hub.id, shop.id)
    assert (supplier.balance, supplier.held) == (90, 0)
    orders = await GroupBuyOrder.filter(campaign_id=buy.id).order_by("units")
    assert [(o.member_id, o.units, o.total) for o in orders] == [
        (cat.member.id, 1, 30),
        (ben.member.id, 2, 60),
    ]
    assert all(o.code for o in orders)
