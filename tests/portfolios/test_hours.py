"""Logging, verifying, disputing and resolving hours; who may do what."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.opportunities import applications
from app.people.models import Role
from app.portfolios.models import HoursRecord
from schema.relay import encode_id
from tests.helpers import create_person
from tests.opportunities.conftest import actor_of

LOG = """
mutation($input: LogHoursInput!) { logHours(input: $input) { hoursRecord { id status minutes } errors { code field message } } }"""
VERIFY = """
mutation($input: VerifyHoursInput!) { verifyHours(input: $input) { hoursRecord { status } errors { code field } } }"""
DISPUTE = """
mutation($input: DisputeHoursInput!) { disputeHours(input: $input) { hoursRecord { status disputeReason } errors { code field } } }"""
RESOLVE = """
mutation($input: ResolveHoursDisputeInput!) { resolveHoursDispute(input: $input) { hoursRecord { status } errors { code field } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def log(
    gql: Any,
    person: Any,
    application: Any,
    minutes: int = 90,
    worked_on: str | None = None,
    note: str = "",
) -> dict[str, Any]:
    data = await gql(
        LOG,
        {
            "input": {
                "applicationId": gid("Application", application.id),
                "workedOn": worked_on or date.today().isoformat(),
                "minutes": minutes,
                "note": note,
            }
        },
        as_=person,
    )
    return data["logHours"]  # type: ignore[no-any-return]


async def test_request_volunteer_logs_and_the_poster_verifies(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    bob = await make_person(display_name="Bob")
    _, application = await engage(alice, bob)  # alice needs help; bob volunteers
    logged = await log(gql, bob, application, 90, note="Weeded two beds")
    assert logged["errors"] == [] and logged["hoursRecord"]["status"] == "PENDING"
    record_id = logged["hoursRecord"]["id"]
    own = await gql(VERIFY, {"input": {"hoursRecordId": record_id}}, as_=bob)
    assert own["verifyHours"]["errors"][0]["code"] == "OWN_HOURS"
    ok = await gql(VERIFY, {"input": {"hoursRecordId": record_id}}, as_=alice)
    assert ok["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"
    final = await gql(DISPUTE, {"input": {"hoursRecordId": record_id, "reason": "late"}}, as_=alice)
    assert final["disputeHours"]["errors"][0]["code"] == "ALREADY_DECIDED"


async def test_offer_poster_is_the_volunteer(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    bob = await make_person()
    _, application = await engage(alice, bob, kind="offer")  # alice offers help; bob receives it
    assert (await log(gql, bob, application))["errors"][0]["code"] == "FORBIDDEN"
    logged = await log(gql, alice, application, 60)
    ok = await gql(VERIFY, {"input": {"hoursRecordId": logged["hoursRecord"]["id"]}}, as_=bob)
    assert ok["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"


async def test_organisation_staff_verify_for_their_organisation(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    from app.organisations import service as organisations

    staff, bob = await make_person(), await make_person()
    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Food Bank", kind="charity"
    )
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=org.id, member_id=staff.member.id, role="staff"
    )
    _, application = await engage(alice, bob, organisation_id=org.id)
    logged = await log(gql, bob, application)
    ok = await gql(VERIFY, {"input": {"hoursRecordId": logged["hoursRecord"]["id"]}}, as_=staff)
    assert ok["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"


async def test_dispute_and_moderator_resolution(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    bob, bystander = await make_person(), await make_person()
    moderator = await make_person(roles=[Role.MODERATOR])
    _, application = await engage(alice, bob)
    first = (await log(gql, bob, application, 120))["hoursRecord"]["id"]
    second = (await log(gql, bob, application, 30))["hoursRecord"]["id"]
    assert (await gql(VERIFY, {"input": {"hoursRecordId": first}}, as_=bystander))["verifyHours"][
        "errors"
    ][0]["code"] == "FORBIDDEN"
    disputed = await gql(
        DISPUTE, {"input": {"hoursRecordId": first, "reason": "It was one hour"}}, as_=alice
    )
    assert disputed["disputeHours"]["hoursRecord"] == {
        "status": "DISPUTED",
        "disputeReason": "It was one hour",
    }
    no_reason = await gql(DISPUTE, {"input": {"hoursRecordId": second, "reason": " "}}, as_=alice)
    assert no_reason["disputeHours"]["errors"][0]["field"] == "reason"
    await gql(DISPUTE, {"input": {"hoursRecordId": second, "reason": "Did not happen"}}, as_=alice)
    assert (await gql(RESOLVE, {"input": {"hoursRecordId": first, "verify": True}}, as_=alice))[
        "resolveHoursDispute"
    ]["errors"][0]["code"] == "FORBIDDEN"
    assert (await gql(RESOLVE, {"input": {"hoursRecordId": first, "verify": True}}, as_=moderator))[
        "resolveHoursDispute"
    ]["hoursRecord"]["status"] == "VERIFIED"
    assert (
        await gql(RESOLVE, {"input": {"hoursRecordId": second, "verify": False}}, as_=moderator)
    )["resolveHoursDispute"]["hoursRecord"]["status"] == "REJECTED"


async def test_only_accepted_volunteers_log_hours(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob, carol, dan = await make_person(), await make_person(), await make_person()
    opportunity = await post(alice, places=1)
    pending = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    declined = await applications.apply(actor=actor_of(carol), opportunity_id=opportunity.id)
    await applications.decline(actor=actor_of(alice), application_id=declined.id)
    withdrawn = await applications.apply(actor=actor_of(dan), opportunity_id=opportunity.id)
    await applications.withdraw(actor=actor_of(dan), application_id=withdrawn.id)
    for person, application in ((bob, pending), (carol, declined), (dan, withdrawn)):
        assert (await log(gql, person, application))["errors"][0]["code"] == "NOT_ACCEPTED"


async def test_bad_hours_are_typed_and_write_nothing(
    gql: Any, alice: Any, make_person: Any, engage: Any, other_hub: Any
) -> None:
    bob = await make_person()
    _, application = await engage(alice, bob)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"minutes": 0}, "INVALID", "minutes"),
        ({"minutes": -30}, "INVALID", "minutes"),
        ({"minutes": 1441}, "INVALID", "minutes"),
        ({"worked_on": tomorrow}, "FUTURE_DATE", "workedOn"),
        ({"worked_on": "2020-01-01"}, "INVALID", "workedOn"),
        ({"note": "x" * 501}, "INVALID", "note"),
    ]
    for kwargs, code, field in cases:
        errors = (await log(gql, bob, application, **kwargs))["errors"]
        assert (errors[0]["code"], errors[0]["field"]) == (code, field), kwargs
    assert (await log(gql, bob, application, 1000))["errors"] == []
    day_full = await log(gql, bob, application, 500)
    assert day_full["errors"][0]["field"] == "minutes"
    stranger = await create_person(hub=other_hub)
    assert (await log(gql, stranger, application))["errors"][0]["code"] == "NOT_FOUND"
    wrong = await gql(
        LOG,
        {
            "input": {
                "applicationId": gid("Opportunity", 1),
                "workedOn": date.today().isoformat(),
                "minutes": 5,
            }
        },
        as_=bob,
    )
    assert wrong["logHours"]["errors"][0] == {
        "code": "INVALID",
        "field": "applicationId",
        "message": "Expected the ID of a Application.",
    }
    assert await HoursRecord.filter(application_id=application.id).count() == 1
