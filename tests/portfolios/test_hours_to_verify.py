"""The receiving side finds the hours waiting for it: hoursToVerify, its count, and per opportunity.

A request's poster and its organisation's people receive the help; an offer's accepted
applicants do, each for their own engagement. Nobody is asked to verify their own hours.
"""

from typing import Any

from app.opportunities import applications
from app.portfolios import hours
from tests.helpers import count_sql
from tests.opportunities.conftest import actor_of
from tests.portfolios.conftest import gid

TO_VERIFY = """
query HoursToVerify($first: Int, $opportunityId: ID) {
  hoursToVerify(first: $first, opportunityId: $opportunityId) {
    edges { node { id minutes status workedOn volunteer { displayName } opportunity { title } } }
    pageInfo { hasNextPage }
  }
  hoursToVerifyCount
}"""
OPPORTUNITY_TO_VERIFY = """
query OpportunityHoursToVerify($id: ID!) {
  node(id: $id) {
    ... on Opportunity { title hoursToVerify(first: 10) { edges { node { id minutes } } } }
  }
}"""
COUNT = "query HoursToVerifyCount { hoursToVerifyCount }"
# 2 to authenticate, the page, the count, and one batch each for the policy's look at the
# records' applications, the opportunities and the volunteers: 7 whatever the page size.
MAX_STATEMENTS = 8


def minutes(data: dict[str, Any]) -> list[int]:
    return [e["node"]["minutes"] for e in data["hoursToVerify"]["edges"]]


async def on_opportunity(gql: Any, person: Any, opportunity: Any) -> dict[str, Any]:
    return await gql.raw(  # type: ignore[no-any-return]
        OPPORTUNITY_TO_VERIFY, {"id": gid("Opportunity", opportunity.id)}, as_=person
    )


async def test_the_receiving_side_finds_the_hours_waiting_for_it(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any, logged: Any, organisation: Any
) -> None:
    # given: bob volunteers for alice's request (60 pending, 30 already verified) and for the
    # Green Team's request, posted by dan, where erin is staff (45 pending); bob offers help
    # and carol and frank were accepted: bob logged 20 for carol
    bob, carol, dan, erin, frank, stan = [
        await make_person(display_name=name)
        for name in ("Bob", "Carol", "Dan", "Erin", "Frank", "Stan")
    ]
    green = await organisation(dan, "Green Team", staff=(erin,))
    request, for_alice = await engage(alice, bob, title="Weed the beds")
    org_request, for_green = await engage(dan, bob, title="Plant trees", organisation_id=green.id)
    offer, for_carol = await engage(bob, carol, kind="offer", title="Fix bikes", places=2)
    await applications.apply(actor=actor_of(frank), opportunity_id=offer.id)
    await logged(bob, for_alice, 60)
    done = await logged(bob, for_alice, 30)
    await hours.verify_hours(actor=actor_of(alice), record_id=done.id)
    await logged(bob, for_green, 45)
    await logged(bob, for_carol, 20)

    # when: each asks what waits for them
    seen = {
        person.member.display_name: await gql(TO_VERIFY, {"first": 10}, as_=person)
        for person in (alice, bob, carol, dan, erin, frank, stan)
    }
    # then: each receiving side sees its own, and the count agrees
    assert {name: minutes(data) for name, data in seen.items()} == {
        "Alice": [60],
        "Bob": [],  # his own hours are never his to verify
        "Carol": [20],
        "Dan": [45],
        "Erin": [45],  # staff of the organisation that asked
        "Frank": [],  # accepted on the same offer, but not his engagement
        "Stan": [],
    }
    assert {name: data["hoursToVerifyCount"] for name, data in seen.items()} == {
        "Alice": 1,
        "Bob": 0,
        "Carol": 1,
        "Dan": 1,
        "Erin": 1,
        "Frank": 0,
        "Stan": 0,
    }
    [node] = [e["node"] for e in seen["Alice"]["hoursToVerify"]["edges"]]
    assert node["status"] == "PENDING"
    assert node["volunteer"] == {"displayName": "Bob"}
    assert node["opportunity"] == {"title": "Weed the beds"}
    # and narrowed to one opportunity
    only = await gql(TO_VERIFY, {"opportunityId": gid("Opportunity", org_request.id)}, as_=dan)
    assert minutes(only) == [45]
    assert (
        minutes(await gql(TO_VERIFY, {"opportunityId": gid("Opportunity", request.id)}, as_=dan))
        == []
    )

    # when: the same from the opportunity
    by_alice = await on_opportunity(gql, alice, request)
    by_carol = await on_opportunity(gql, carol, offer)
    by_frank = await on_opportunity(gql, frank, offer)
    by_bob = await on_opportunity(gql, bob, request)
    by_stan = await on_opportunity(gql, stan, request)
    # then: the receiving side gets its list; the volunteer and a bystander are refused
    assert [e["node"]["minutes"] for e in by_alice["data"]["node"]["hoursToVerify"]["edges"]] == [
        60
    ]
    assert [e["node"]["minutes"] for e in by_carol["data"]["node"]["hoursToVerify"]["edges"]] == [
        20
    ]
    assert by_frank["data"]["node"]["hoursToVerify"]["edges"] == []
    for refused in (by_bob, by_stan):
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert refused["errors"][0]["path"] == ["node", "hoursToVerify"]

    # when: alice verifies; then the count for her badge drops to zero
    record_id = seen["Alice"]["hoursToVerify"]["edges"][0]["node"]["id"]
    verify = (
        """mutation($input: VerifyHoursInput!) { verifyHours(input: $input) { errors { code } } }"""
    )
    assert (await gql(verify, {"input": {"hoursRecordId": record_id}}, as_=alice))["verifyHours"][
        "errors"
    ] == []
    assert (await gql(COUNT, as_=alice))["hoursToVerifyCount"] == 0
    # and the lists need a sign-in
    anonymous = await gql.raw(COUNT, headers={"CH-Hub": hub.slug})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_hours_to_verify_runs_the_same_statements_for_5_and_40_records(
    gql: Any, alice: Any, make_person: Any, engage: Any, logged: Any, organisation: Any
) -> None:
    # given: alice and her organisation's requests; 8 volunteers logged 5 records each
    green = await organisation(alice, "Green Team")
    for n in range(8):
        volunteer = await make_person(display_name=f"Volunteer {n}")
        _, application = await engage(
            alice, volunteer, title=f"Shift {n}", organisation_id=green.id if n % 2 else None
        )
        for _ in range(5):
            await logged(volunteer, application, 10)
    counts = []
    for first in (5, 40):
        # when
        with count_sql() as sql:
            data = await gql(TO_VERIFY, {"first": first}, as_=alice)
        # then
        assert len(data["hoursToVerify"]["edges"]) == first
        assert data["hoursToVerifyCount"] == 40
        counts.append(len(sql.statements))
    assert counts[0] == counts[1] <= MAX_STATEMENTS, counts
