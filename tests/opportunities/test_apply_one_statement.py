"""applyToOpportunity is one statement (opportunity_apply, migration 0027) once the token is
remembered: a place, the waitlist, or a refusal that writes nothing."""

from typing import Any

from tortoise import Tortoise

from app import events
from app.audit.models import AuditEvent
from app.opportunities.models import Application, Opportunity
from schema.relay import encode_id
from tests.helpers import count_sql

APPLY = """
mutation Apply($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { id status } errors { code field message } }
}"""
ACCEPTED_JOBS = (
    "SELECT count(*) AS n FROM outbox_job WHERE name LIKE 'event:application.accepted:%'"
    " AND payload ->> 'application_id' = $1"
)


def _input(opportunity: Opportunity) -> dict[str, Any]:
    return {"input": {"opportunityId": str(encode_id("Opportunity", opportunity.id))}}


async def test_a_place_then_the_waitlist_then_a_refusal_each_in_one_statement(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: one place with auto-accept, two applicants whose tokens are remembered
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    opportunity = await post(alice, places=1, auto_accept=True)
    for person in (bob, carol):
        await gql("{ viewer { id } }", as_=person)
    # when
    answers, counts = [], []
    for person in (bob, carol, carol):
        with count_sql() as counted:
            answers.append(
                (await gql(APPLY, _input(opportunity), as_=person))["applyToOpportunity"]
            )
        counts.append(len(counted.statements))
    # then
    assert counts == [1, 1, 1], counts
    assert [a["application"] and a["application"]["status"] for a in answers] == [
        "ACCEPTED",
        "WAITLISTED",
        None,
    ]
    assert answers[2]["errors"][0]["code"] == "ALREADY_APPLIED"
    await opportunity.refresh_from_db()
    assert (opportunity.accepted_count, opportunity.status.value) == (1, "filled")
    applications = await Application.filter(opportunity_id=opportunity.id).order_by("id")
    assert [(a.applicant_id, a.status.value) for a in applications] == [
        (bob.member.id, "accepted"),
        (carol.member.id, "waitlisted"),
    ]
    # and the accepted applicant is told (a job per subscriber of the event), each application audited once
    conn = Tortoise.get_connection("default")
    accepted = await conn.execute_query_dict(ACCEPTED_JOBS, [str(applications[0].id)])
    waitlisted = await conn.execute_query_dict(ACCEPTED_JOBS, [str(applications[1].id)])
    subscribers = len(events.subscribers("application.accepted"))
    assert subscribers >= 1
    assert (accepted[0]["n"], waitlisted[0]["n"]) == (subscribers, 0)
    assert (
        await AuditEvent.filter(action="application.create", object_type="Application")
        .filter(object_id__in=[a.id for a in applications])
        .count()
        == 2
    )
