"""The campaign API through HTTP: starting and opening a campaign, pledging, raising, lowering
and withdrawing (the hold moves, the balance never), the 200-pledges race against a maximum of
50 units, every bad input of the issue as a typed error that writes nothing, progress and the
backers list respecting anonymity."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from app.campaigns.models import Campaign, CampaignKind, CampaignStatus, Pledge
from app.credits import ledger
from app.matching.models import Notification, NotificationKind
from tests.campaigns.conftest import fund, fund_account, gid
from tests.helpers import Person, count_sql

CREATE = """
mutation Create($input: CreateCampaignInput!) {
  createCampaign(input: $input) { campaign { id status kind } errors { code field message } }
}"""
OPEN = """
mutation Open($input: OpenCampaignInput!) {
  openCampaign(input: $input) { campaign { id status } errors { code field } }
}"""
CANCEL = """
mutation Cancel($input: CancelCampaignInput!) {
  cancelCampaign(input: $input) { campaign { id status } errors { code field } }
}"""
PLEDGE = """
mutation Pledge($input: PledgeToCampaignInput!) {
  pledgeToCampaign(input: $input) {
    pledge { id status amount units matched anonymous }
    errors { code field message }
  }
}"""
CHANGE = """
mutation Change($input: ChangePledgeInput!) {
  changePledge(input: $input) { pledge { id amount units status } errors { code field } }
}"""
WITHDRAW = """
mutation Withdraw($input: WithdrawPledgeInput!) {
  withdrawPledge(input: $input) { pledge { id status amount } errors { code field } }
}"""
MATCH = """
mutation Match($input: AttachMatchPotInput!) {
  attachMatchPot(input: $input) { matchPot { totalCap matched } errors { code field } }
}"""
UPDATE = """
mutation Update($input: PostCampaignUpdateInput!) {
  postCampaignUpdate(input: $input) { update { title } errors { code field } }
}"""
CAMPAIGN = """
query Campaign($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on Campaign {
      title status
      progress { pledged matched inKind backers units percent secondsLeft }
      backers(first: $first) {
        edges { node { anonymous amount backer { displayName } } }
        pageInfo { hasNextPage }
      }
      matchPots { funder { name } matched }
    }
  }
}"""
MY_PLEDGES = """
query { myPledges(first: 10) { edges { node { amount status campaign { title } } } } }
"""


def _deadline(minutes: int = 60) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def _start(gql: Any, owner: Person, **fields: Any) -> str:
    fields.setdefault("kind", "PROJECT")
    fields.setdefault("title", "A bench for the park")
    fields.setdefault("deadline", _deadline())
    if fields["kind"] == "PROJECT":
        fields.setdefault("target", 1000)
    made = (await gql(CREATE, {"input": fields}, as_=owner))["createCampaign"]
    assert made["errors"] == [], made
    opened = await gql(OPEN, {"input": {"campaignId": made["campaign"]["id"]}}, as_=owner)
    assert opened["openCampaign"]["errors"] == []
    return str(made["campaign"]["id"])


async def _pledge(gql: Any, person: Person, campaign: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("idempotencyKey", uuid.uuid4().hex)
    answer = await gql(PLEDGE, {"input": {"campaignId": campaign, **fields}}, as_=person)
    return answer["pledgeToCampaign"]  # type: ignore[no-any-return]


async def _written(hub_id: int) -> dict[str, int]:
    """Rows a refused pledge must not have written."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT (SELECT count(*) FROM campaign_pledge WHERE hub_id = $1)::int AS pledges,"
        " (SELECT count(*) FROM transfer WHERE hub_id = $1)::int AS transfers,"
        " (SELECT coalesce(sum(held), 0) FROM account WHERE hub_id = $1)::bigint AS held,"
        " (SELECT count(*) FROM idempotency_key WHERE hub_id = $1)::int AS keys,"
        " (SELECT count(*) FROM campaign_match_pot WHERE hub_id = $1)::int AS pots",
        [hub_id],
    )
    return {k: int(v) for k, v in rows[0].items()}


async def test_pledging_raising_lowering_and_withdrawing_moves_the_hold_never_the_balance(
    gql: Any, hub: Any, alice: Person, make_person: Any
) -> None:
    # given: an open project and Ben with 500 credits
    project = await _start(gql, alice)
    ben = await make_person(display_name="Ben")
    await fund(hub.id, ben.member.id, 500)
    # when: he pledges 200, raises to 300, lowers to 100
    made = await _pledge(gql, ben, project, amount=200)
    assert made["errors"] == [] and made["pledge"]["amount"] == 200
    pledge_id = made["pledge"]["id"]
    for amount in (300, 100):
        changed = await gql(
            CHANGE,
            {
                "input": {
                    "pledgeId": pledge_id,
                    "amount": amount,
                    "idempotencyKey": uuid.uuid4().hex,
                }
            },
            as_=ben,
        )
        assert changed["changePledge"]["errors"] == []
        account = await ledger.member_account(hub.id, ben.member.id)
        # then: the balance stays 500; the held credits follow the pledge
        assert (account.balance, account.held) == (500, amount)
    # when: he withdraws
    withdrawn = await gql(WITHDRAW, {"input": {"pledgeId": pledge_id}}, as_=ben)
    assert withdrawn["withdrawPledge"]["pledge"]["status"] == "WITHDRAWN"
    account = await ledger.member_account(hub.id, ben.member.id)
    assert (account.balance, account.held) == (500, 0)
    campaign = await Campaign.get(hub_id=hub.id)
    assert (campaign.pledged, campaign.backers) == (0, 0)
    # and pledging again revives it
    again = await _pledge(gql, ben, project, amount=50)
    assert again["errors"] == [] and again["pledge"]["id"] == pledge_id


async def test_two_hundred_concurrent_pledges_against_a_maximum_of_50_units_end_with_50(
    gql: Any, hub: Any, alice: Person, make_person: Any, organisation: Any
) -> None:
    # given: a group buy of at most 50 units (tipping at 10), 200 funded members
    shop = await organisation(alice, "Solar panels co-op")
    buy = await _start(
        gql,
        alice,
        kind="GROUP_BUY",
        supplierId=gid("Organisation", shop.id),
        unitPrice=7,
        tippingUnits=10,
        maxUnits=50,
    )
    people = [await make_person(display_name=f"Racer {n}") for n in range(200)]
    for person in people:
        await fund(hub.id, person.member.id, 100)
    # when: all 200 pledge one unit at the same time (real requests, real PostgreSQL)
    answers = await asyncio.gather(*(_pledge(gql, p, buy, units=1) for p in people))
    # then: exactly 50 got in; the other 150 were told BEYOND_MAXIMUM and hold nothing
    codes = sorted(e["code"] for a in answers for e in a["errors"])
    assert codes == ["BEYOND_MAXIMUM"] * 150
    campaign = await Campaign.get(hub_id=hub.id)
    assert (campaign.units, campaign.backers, campaign.pledged) == (50, 50, 350)
    # and it closed at its maximum: decided at once, settled now (test_in_kind_and_closing)
    assert campaign.status == CampaignStatus.SUCCEEDED and campaign.closed_at is not None
    assert await Pledge.filter(campaign_id=campaign.id, status="active").count() == 50
    held = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT sum(held)::bigint AS held FROM account WHERE hub_id = $1", [hub.id]
    )
    assert held[0]["held"] == 350


async def test_bad_input_is_a_typed_error_and_writes_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, organisation: Any
) -> None:
    # given: an open project of Alice's, a draft, a cancelled one, a group buy of max 2 units
    project = await _start(gql, alice, target=500)
    draft = (
        await gql(
            CREATE,
            {
                "input": {
                    "kind": "PROJECT",
                    "title": "Draft",
                    "deadline": _deadline(),
                    "target": 10,
                }
            },
            as_=alice,
        )
    )["createCampaign"]["campaign"]["id"]
    cancelled = await _start(gql, alice, title="Called off")
    await gql(CANCEL, {"input": {"campaignId": cancelled}}, as_=alice)
    shop = await organisation(alice, "Bikes co-op")
    buy = await _start(
        gql,
        alice,
        kind="GROUP_BUY",
        supplierId=gid("Organisation", shop.id),
        unitPrice=5,
        tippingUnits=1,
        maxUnits=2,
    )
    past = await _start(gql, alice, title="Ended")
    await Campaign.filter(title="Ended").update(deadline=datetime.now(UTC) - timedelta(seconds=1))
    ben = await make_person(display_name="Ben")
    await fund(hub.id, ben.member.id, 100)
    await fund(hub.id, alice.member.id, 100)
    clerk = await make_person(display_name="Clerk")
    council = await organisation(clerk, "Council", "council_service")
    await fund_account(await ledger.organisation_account(hub.id, council.id), 1000)
    before = await _written(hub.id)
    cases = [
        (ben, past, {"amount": 10}, "DEADLINE_PASSED"),
        (ben, buy, {"units": 3}, "BEYOND_MAXIMUM"),
        (ben, cancelled, {"amount": 10}, "NOT_OPEN"),
        (ben, draft, {"amount": 10}, "NOT_OPEN"),
        (alice, project, {"amount": 10}, "OWN_CAMPAIGN"),
        (ben, project, {"amount": 0}, "INVALID"),
        (ben, project, {"amount": -5}, "INVALID"),
        (ben, buy, {"units": 0}, "INVALID"),
        (ben, project, {"amount": 101}, "INSUFFICIENT_CREDITS"),
        (ben, project, {"units": 1}, "INVALID"),
    ]
    for person, campaign, fields, code in cases:
        # when
        answer = await _pledge(gql, person, campaign, **fields)
        # then
        assert [e["code"] for e in answer["errors"]] == [code], (fields, answer)
        assert answer["pledge"] is None
    too_big = await gql(
        MATCH,
        {
            "input": {
                "campaignId": project,
                "funderId": gid("Organisation", council.id),
                "totalCap": 1001,
            }
        },
        as_=clerk,
    )
    assert [e["code"] for e in too_big["attachMatchPot"]["errors"]] == ["POT_TOO_LARGE"]
    assert await _written(hub.id) == before


async def test_progress_and_backers_respect_anonymity_in_a_fixed_number_of_statements(
    gql: Any, hub: Any, alice: Person, make_person: Any, organisation: Any
) -> None:
    # given: a project with a 1:1 match of up to 100 a backer, 30 backers, every third anonymous
    project = await _start(gql, alice, target=2000)
    clerk = await make_person(display_name="Clerk")
    council = await organisation(clerk, "Council", "council_service")
    await fund_account(await ledger.organisation_account(hub.id, council.id), 5000)
    matched = await gql(
        MATCH,
        {
            "input": {
                "campaignId": project,
                "funderId": gid("Organisation", council.id),
                "totalCap": 5000,
                "capPerBacker": 100,
            }
        },
        as_=clerk,
    )
    assert matched["attachMatchPot"]["errors"] == []
    backers = [await make_person(display_name=f"Backer {n}") for n in range(30)]
    for n, person in enumerate(backers):
        await fund(hub.id, person.member.id, 100)
        made = await _pledge(gql, person, project, amount=50, anonymous=n % 3 == 0)
        assert made["errors"] == [] and made["pledge"]["matched"] == 50
    stranger = await make_person(display_name="Stranger")
    # when: a stranger reads the campaign with 5 and with 30 backers on the page
    counts = []
    for first in (5, 30):
        with count_sql() as counter:
            data = await gql(CAMPAIGN, {"id": project, "first": first}, as_=stranger)
        counts.append(len(counter.statements))
    # then: progress adds up; anonymous backers have no name; amounts are not shown to strangers
    node = data["node"]
    assert node["progress"] == {
        "pledged": 1500,
        "matched": 1500,
        "inKind": 0,
        "backers": 30,
        "units": 0,
        "percent": 150,
        "secondsLeft": node["progress"]["secondsLeft"],
    }
    assert 3500 < node["progress"]["secondsLeft"] <= 3600
    edges = [e["node"] for e in node["backers"]["edges"]]
    assert len(edges) == 30
    assert [e["backer"] is None for e in edges] == [n % 3 == 0 for n in range(30)]
    assert all(e["amount"] is None for e in edges)
    assert node["matchPots"] == [{"funder": {"name": "Council"}, "matched": 1500}]
    assert counts[0] == counts[1], counts
    # and the owner sees every amount; a backer sees their own pledge in myPledges
    owner_view = await gql(CAMPAIGN, {"id": project, "first": 30}, as_=alice)
    assert {e["node"]["amount"] for e in owner_view["node"]["backers"]["edges"]} == {50}
    mine = await gql(MY_PLEDGES, as_=backers[0])
    assert [e["node"]["amount"] for e in mine["myPledges"]["edges"]] == [50]


async def test_an_update_notifies_every_backer_once(
    gql: Any, hub: Any, alice: Person, make_person: Any, run_jobs: Any
) -> None:
    project = await _start(gql, alice)
    people = [await make_person(display_name=f"B{n}") for n in range(3)]
    for person in people:
        await fund(hub.id, person.member.id, 100)
        await _pledge(gql, person, project, amount=10)
    posted = await gql(
        UPDATE,
        {"input": {"campaignId": project, "title": "Planks bought", "body": "Oak."}},
        as_=alice,
    )
    assert posted["postCampaignUpdate"]["errors"] == []
    await run_jobs()
    await run_jobs()
    told = Notification.filter(hub_id=hub.id, kind=NotificationKind.CAMPAIGN_UPDATE)
    assert sorted(await told.values_list("member_id", flat=True)) == sorted(
        p.member.id for p in people
    )


async def test_a_cancelled_campaign_releases_every_hold_through_the_worker(
    gql: Any, hub: Any, alice: Person, make_person: Any, run_jobs: Any
) -> None:
    project = await _start(gql, alice)
    ben = await make_person(display_name="Ben")
    await fund(hub.id, ben.member.id, 100)
    await _pledge(gql, ben, project, amount=60)
    # when: the owner cancels, and the settlement job runs
    answer = await gql(CANCEL, {"input": {"campaignId": project}}, as_=alice)
    assert answer["cancelCampaign"]["campaign"]["status"] == "CANCELLED"
    await run_jobs()
    # then: Ben's credits are free again, and he was told
    account = await ledger.member_account(hub.id, ben.member.id)
    assert (account.balance, account.held) == (100, 0)
    campaign = await Campaign.get(hub_id=hub.id)
    assert campaign.settled_at is not None and campaign.kind == CampaignKind.PROJECT
    assert (
        await Notification.filter(
            member_id=ben.member.id, kind=NotificationKind.CAMPAIGN_FAILED
        ).count()
        == 1
    )
