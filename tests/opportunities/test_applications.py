"""Applying, accepting, declining, waitlisting and withdrawing; checks and age are enforced."""

from datetime import date, timedelta
from typing import Any

from app.auth import cache as auth_cache
from app.opportunities.models import Application, Opportunity
from app.people.models import CheckKind, CheckStatus, Member, TrustCheck
from schema.relay import encode_id
from tests.helpers import read_mail

APPLY = """
mutation Apply($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { id status } errors { code field message } }
}"""
ACCEPT = """
mutation Accept($input: AcceptApplicationInput!) {
  acceptApplication(input: $input) { application { status } errors { code field message } }
}"""
DECLINE = """
mutation Decline($input: DeclineApplicationInput!) {
  declineApplication(input: $input) { application { status } errors { code field message } }
}"""
WAITLIST = """
mutation Waitlist($input: WaitlistApplicationInput!) {
  waitlistApplication(input: $input) { application { status } errors { code field message } }
}"""
WITHDRAW = """
mutation Withdraw($input: WithdrawApplicationInput!) {
  withdrawApplication(input: $input) { application { status } errors { code field message } }
}"""
APPLICATIONS = """
query($id: ID!) { node(id: $id) { ... on Opportunity {
  placesLeft status viewerApplication { status }
  applications(first: 10) { edges { node { status applicant { displayName } } } }
} } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def _apply(
    gql: Any, person: Any, opportunity: Opportunity, message: str = ""
) -> dict[str, Any]:
    data = await gql(
        APPLY,
        {"input": {"opportunityId": gid("Opportunity", opportunity.id), "message": message}},
        as_=person,
    )
    return data["applyToOpportunity"]  # type: ignore[no-any-return]


async def test_apply_accept_and_the_poster_sees_applications(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    opportunity = await post(alice, places=1)
    # when
    applied = await _apply(gql, bob, opportunity, "I have gardened for years.")
    # then
    assert applied["errors"] == [] and applied["application"]["status"] == "PENDING"
    application_id = applied["application"]["id"]
    # when
    accepted = await gql(ACCEPT, {"input": {"applicationId": application_id}}, as_=alice)
    # then
    assert accepted["acceptApplication"]["application"]["status"] == "ACCEPTED"
    seen = (await gql(APPLICATIONS, {"id": gid("Opportunity", opportunity.id)}, as_=alice))["node"]
    assert seen["placesLeft"] == 0 and seen["status"] == "FILLED"
    assert [e["node"]["applicant"]["displayName"] for e in seen["applications"]["edges"]] == ["Bob"]
    mine = (
        await gql(
            APPLICATIONS.replace(
                "applications(first: 10) { edges { node { status applicant { displayName } } } }",
                "",
            ),
            {"id": gid("Opportunity", opportunity.id)},
            as_=bob,
        )
    )["node"]
    assert mine["viewerApplication"] == {"status": "ACCEPTED"}
    await run_jobs()
    await run_jobs()
    assert len(read_mail(bob.email, "You're in: Help in the community garden")) == 1


async def test_only_the_poster_side_decides_and_sees_applications(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    opportunity = await post(alice)
    application_id = (await _apply(gql, bob, opportunity))["application"]["id"]
    for mutation, name in (
        (ACCEPT, "acceptApplication"),
        (DECLINE, "declineApplication"),
        (WAITLIST, "waitlistApplication"),
    ):
        for outsider in (bob, carol):
            data = await gql(mutation, {"input": {"applicationId": application_id}}, as_=outsider)
            assert data[name]["errors"][0]["code"] == "FORBIDDEN"
    body = await gql.raw(APPLICATIONS, {"id": gid("Opportunity", opportunity.id)}, as_=carol)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Application.get(applicant_id=bob.member.id)).status == "pending"


async def test_organisation_staff_manage_its_opportunities(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    from app.organisations import service as organisations
    from tests.opportunities.conftest import actor_of

    staff, bob = await make_person(display_name="Staff"), await make_person()
    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Green Fingers", kind="charity"
    )
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=org.id, member_id=staff.member.id, role="staff"
    )
    opportunity = await post(alice, organisation_id=org.id)
    application_id = (await _apply(gql, bob, opportunity))["application"]["id"]
    data = await gql(ACCEPT, {"input": {"applicationId": application_id}}, as_=staff)
    assert data["acceptApplication"]["application"]["status"] == "ACCEPTED"


async def test_waitlist_decline_and_withdraw(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob, carol, dan = await make_person(), await make_person(), await make_person()
    opportunity = await post(alice, places=1)
    ids = [(await _apply(gql, p, opportunity))["application"]["id"] for p in (bob, carol, dan)]
    assert (await gql(WAITLIST, {"input": {"applicationId": ids[1]}}, as_=alice))[
        "waitlistApplication"
    ]["application"]["status"] == "WAITLISTED"
    assert (await gql(DECLINE, {"input": {"applicationId": ids[2]}}, as_=alice))[
        "declineApplication"
    ]["application"]["status"] == "DECLINED"
    assert (await gql(ACCEPT, {"input": {"applicationId": ids[0]}}, as_=alice))[
        "acceptApplication"
    ]["errors"] == []
    # when the place is taken, accepting another is refused
    full = await gql(ACCEPT, {"input": {"applicationId": ids[1]}}, as_=alice)
    assert full["acceptApplication"]["errors"][0]["code"] == "NO_PLACES_LEFT"
    # when bob withdraws, the place is free again and carol can be accepted
    out = await gql(WITHDRAW, {"input": {"applicationId": ids[0]}}, as_=bob)
    assert out["withdrawApplication"]["application"]["status"] == "WITHDRAWN"
    again = await gql(ACCEPT, {"input": {"applicationId": ids[1]}}, as_=alice)
    assert again["acceptApplication"]["application"]["status"] == "ACCEPTED"
    # a declined applicant cannot be accepted, and nobody withdraws someone else
    assert (await gql(ACCEPT, {"input": {"applicationId": ids[2]}}, as_=alice))[
        "acceptApplication"
    ]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await gql(WITHDRAW, {"input": {"applicationId": ids[1]}}, as_=dan))[
        "withdrawApplication"
    ]["errors"][0]["code"] == "NOT_FOUND"


async def test_auto_accept_fills_then_waitlists_and_promotes_on_withdrawal(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    opportunity = await post(alice, places=1, auto_accept=True)
    first = await _apply(gql, bob, opportunity)
    second = await _apply(gql, carol, opportunity)
    assert (first["application"]["status"], second["application"]["status"]) == (
        "ACCEPTED",
        "WAITLISTED",
    )
    await gql(WITHDRAW, {"input": {"applicationId": first["application"]["id"]}}, as_=bob)
    assert (await Application.get(applicant_id=carol.member.id)).status == "accepted"
    await opportunity.refresh_from_db()
    assert (opportunity.accepted_count, opportunity.status) == (1, "filled")


async def test_bad_applications_are_typed_errors(
    gql: Any, alice: Any, make_person: Any, post: Any, other_hub: Any
) -> None:
    from app.opportunities import service
    from tests.helpers import create_person
    from tests.opportunities.conftest import actor_of

    bob = await make_person()
    opportunity = await post(alice)
    own = await _apply(gql, alice, opportunity)
    assert own["errors"][0]["code"] == "OWN_OPPORTUNITY"
    assert (await _apply(gql, bob, opportunity))["errors"] == []
    assert (await _apply(gql, bob, opportunity))["errors"][0]["code"] == "ALREADY_APPLIED"
    closed = await post(alice)
    await service.close_opportunity(actor=actor_of(alice), opportunity_id=closed.id)
    assert (await _apply(gql, bob, closed))["errors"][0]["code"] == "NOT_OPEN"
    draft = await post(alice, publish=False)
    assert (await _apply(gql, bob, draft))["errors"][0]["code"] == "NOT_OPEN"
    stranger = await create_person(hub=other_hub)
    assert (await _apply(gql, stranger, opportunity))["errors"][0]["code"] == "NOT_FOUND"
    wrong_type = await gql(
        APPLY, {"input": {"opportunityId": gid("Member", bob.member.id)}}, as_=bob
    )
    assert wrong_type["applyToOpportunity"]["errors"][0]["code"] == "INVALID"
    assert wrong_type["applyToOpportunity"]["errors"][0]["field"] == "opportunityId"
    long_message = await _apply(gql, bob, await post(alice), "x" * 2001)
    assert long_message["errors"][0]["field"] == "message"
    assert await Application.filter(applicant_id=bob.member.id).count() == 1


async def test_required_checks_and_minimum_age(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob = await make_person()
    needs_dbs = await post(alice, required_checks=["dbs_enhanced"])
    refused = await _apply(gql, bob, needs_dbs)
    assert refused["errors"][0]["code"] == "MISSING_CHECKS"
    await TrustCheck.create(
        hub_id=bob.member.hub_id,
        member_id=bob.member.id,
        kind=CheckKind.DBS_ENHANCED,
        reference="X1",
        status=CheckStatus.VERIFIED,
        expires_on=date.today() + timedelta(days=300),
    )
    assert (await _apply(gql, bob, needs_dbs))["errors"] == []
    adults_only = await post(alice, min_age=18)
    assert (await _apply(gql, bob, adults_only))["errors"][0]["code"] == "AGE_REQUIREMENT"
    await Member.filter(id=bob.member.id).update(
        date_of_birth=date.today() - timedelta(days=16 * 366)
    )
    await auth_cache.forget(member_id=bob.member.id)
    assert (await _apply(gql, bob, adults_only))["errors"][0]["code"] == "AGE_REQUIREMENT"
    await Member.filter(id=bob.member.id).update(date_of_birth=date(1990, 1, 1))
    # A queryset update sends no signal: the token's remembered member goes by hand.
    await auth_cache.forget(member_id=bob.member.id)
    assert (await _apply(gql, bob, adults_only))["errors"] == []
