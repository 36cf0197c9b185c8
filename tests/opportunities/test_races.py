"""Places never overfill: concurrent requests raced against PostgreSQL."""

import asyncio
from collections import Counter
from typing import Any

from app.opportunities.models import Application, Opportunity
from schema.relay import encode_id
from tests.helpers import create_person

APPLY = """
mutation Apply($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { id status } errors { code } }
}"""
ACCEPT = """
mutation Accept($input: AcceptApplicationInput!) {
  acceptApplication(input: $input) { application { status } errors { code } }
}"""


async def test_50_concurrent_applications_with_auto_accept_fill_5_places_exactly(
    gql: Any, hub: Any, alice: Any, post: Any
) -> None:
    # given
    opportunity = await post(alice, places=5, auto_accept=True)
    people = [await create_person(hub=hub, display_name=f"V{i}") for i in range(50)]
    variables = {"input": {"opportunityId": str(encode_id("Opportunity", opportunity.id))}}
    # when: all at once
    results = await asyncio.gather(*(gql(APPLY, variables, as_=p) for p in people))
    # then
    outcomes = Counter(r["applyToOpportunity"]["application"]["status"] for r in results)
    assert outcomes == {"ACCEPTED": 5, "WAITLISTED": 45}
    await opportunity.refresh_from_db()
    assert (opportunity.accepted_count, opportunity.status) == (5, "filled")
    assert await Application.filter(opportunity_id=opportunity.id, status="accepted").count() == 5


async def test_concurrent_accepts_by_the_poster_never_overfill(
    gql: Any, hub: Any, alice: Any, post: Any
) -> None:
    # given: 20 pending applications for 3 places
    opportunity = await post(alice, places=3)
    people = [await create_person(hub=hub) for _ in range(20)]
    gid = str(encode_id("Opportunity", opportunity.id))
    applied = await asyncio.gather(
        *(gql(APPLY, {"input": {"opportunityId": gid}}, as_=p) for p in people)
    )
    ids = [a["applyToOpportunity"]["application"]["id"] for a in applied]
    # when: the poster accepts all of them at once (say, from two devices)
    results = await asyncio.gather(
        *(gql(ACCEPT, {"input": {"applicationId": i}}, as_=alice) for i in ids)
    )
    # then
    codes = Counter(
        (r["acceptApplication"]["errors"] or [{"code": "OK"}])[0]["code"] for r in results
    )
    assert codes == {"OK": 3, "NO_PLACES_LEFT": 17}
    refreshed = await Opportunity.get(id=opportunity.id)
    assert refreshed.accepted_count == 3
