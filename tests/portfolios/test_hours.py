"""Logging, verifying, disputing and resolving hours over HTTP; who may do what; bad input."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.hubs.models import Hub
from app.opportunities import applications
from app.opportunities.models import Opportunity
from app.people.models import Role
from app.portfolios import hours
from app.portfolios.models import HoursRecord, HoursStatus
from tests.helpers import create_person
from tests.opportunities.conftest import actor_of
from tests.portfolios.conftest import gid, hub_today

LOG_HOURS = """
mutation LogHours($input: LogHoursInput!) {
  logHours(input: $input) { hoursRecord { id status minutes workedOn note } errors { code field message } }
}"""
VERIFY_HOURS = """
mutation VerifyHours($input: VerifyHoursInput!) {
  verifyHours(input: $input) { hoursRecord { id status } errors { code field message } }
}"""
DISPUTE_HOURS = """
mutation DisputeHours($input: DisputeHoursInput!) {
  disputeHours(input: $input) { hoursRecord { id status disputeReason } errors { code field message } }
}"""
RESOLVE_DISPUTE = """
mutation ResolveDispute($input: ResolveHoursDisputeInput!) {
  resolveHoursDispute(input: $input) { hoursRecord { id status resolutionNote } errors { code field message } }
}"""
HOURS_NODE = """
query HoursNode($id: ID!) { node(id: $id) { ... on HoursRecord { id minutes status } } }"""


async def log(gql: Any, person: Any, application: Any, **fields: Any) -> dict[str, Any]:
    """logHours as `person`; `fields` override workedOn (a date), minutes, note, applicationId."""
    worked_on = fields.pop("worked_on", None) or hub_today(await Hub.get(id=person.member.hub_id))
    variables = {
        "input": {
            "applicationId": gid("Application", application.id),
            "workedOn": worked_on.isoformat(),
            "minutes": 60,
            "note": "",
        }
        | fields
    }
    data = await gql(LOG_HOURS, variables, as_=person)
    return data["logHours"]  # type: ignore[no-any-return]


async def decide(gql: Any, document: str, person: Any, record_id: str, **extra: Any) -> Any:
    data = await gql(document, {"input": {"hoursRecordId": record_id} | extra}, as_=person)
    return next(iter(data.values()))


def code(payload: dict[str, Any]) -> str | None:
    return payload["errors"][0]["code"] if payload["errors"] else None


async def test_request_volunteer_logs_and_the_poster_verifies(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: alice asked for help; bob's application was accepted; carol is a bystander
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    _, application = await engage(alice, bob)
    # when: bob logs 90 minutes
    logged = await log(gql, bob, application, minutes=90, note="Weeded two beds")
    # then: the record waits for alice
    assert logged["errors"] == []
    record = logged["hoursRecord"]
    assert (record["status"], record["minutes"], record["note"]) == (
        "PENDING",
        90,
        "Weeded two beds",
    )
    assert record["workedOn"] == hub_today(hub).isoformat()
    # when: bob verifies his own hours, carol tries, then alice verifies
    own = await decide(gql, VERIFY_HOURS, bob, record["id"])
    bystander = await decide(gql, VERIFY_HOURS, carol, record["id"])
    ok = await decide(gql, VERIFY_HOURS, alice, record["id"])
    # then
    assert code(own) == "OWN_HOURS"
    assert code(bystander) == "FORBIDDEN"
    assert ok["errors"] == [] and ok["hoursRecord"]["status"] == "VERIFIED"
    stored = await HoursRecord.get(hub_id=hub.id, application_id=application.id)
    assert (stored.status, stored.reviewed_by_id) == (HoursStatus.VERIFIED, alice.member.id)
    # when: the verified record is verified or disputed again
    again = await decide(gql, VERIFY_HOURS, alice, record["id"])
    disputed = await decide(gql, DISPUTE_HOURS, alice, record["id"], reason="Too long")
    # then: a verified record is final
    assert code(again) == "ALREADY_DECIDED" and code(disputed) == "ALREADY_DECIDED"
    assert (await HoursRecord.get(id=stored.id)).status == HoursStatus.VERIFIED


async def test_for_an_offer_the_poster_volunteers_and_the_applicant_verifies(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: alice offers help; bob asked for it and was accepted
    bob = await make_person(display_name="Bob")
    _, application = await engage(alice, bob, kind="offer")
    # when: bob (who was helped) tries to log hours, then alice (the volunteer) logs them
    by_bob = await log(gql, bob, application)
    by_alice = await log(gql, alice, application, minutes=45)
    # then
    assert code(by_bob) == "FORBIDDEN"
    assert by_alice["errors"] == [] and by_alice["hoursRecord"]["status"] == "PENDING"
    record_id = by_alice["hoursRecord"]["id"]
    # when: alice verifies her own, then bob verifies
    own = await decide(gql, VERIFY_HOURS, alice, record_id)
    ok = await decide(gql, VERIFY_HOURS, bob, record_id)
    # then
    assert code(own) == "OWN_HOURS"
    assert ok["hoursRecord"]["status"] == "VERIFIED"
    assert (await HoursRecord.get(hub_id=hub.id, application_id=application.id)).volunteer_id == (
        alice.member.id
    )


async def test_any_staff_of_the_organisation_verifies_its_request(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any, organisation: Any
) -> None:
    # given: alice posts a request for her food bank, where dan is staff; erin is staff elsewhere
    bob, dan, erin = await make_person(), await make_person(), await make_person()
    food_bank = await organisation(alice, "Food Bank", staff=(dan,))
    await organisation(erin, "Book Club")
    _, application = await engage(alice, bob, organisation_id=food_bank.id)
    first = (await log(gql, bob, application, minutes=30))["hoursRecord"]["id"]
    second = (await log(gql, bob, application, minutes=20))["hoursRecord"]["id"]
    # when
    by_erin = await decide(gql, VERIFY_HOURS, erin, first)
    by_dan = await decide(gql, VERIFY_HOURS, dan, first)
    dispute_by_dan = await decide(gql, DISPUTE_HOURS, dan, second, reason="Only ten minutes")
    # then
    assert code(by_erin) == "FORBIDDEN"
    assert by_dan["hoursRecord"]["status"] == "VERIFIED"
    assert dispute_by_dan["hoursRecord"]["status"] == "DISPUTED"


async def test_staff_of_an_organisation_offer_do_not_verify_for_the_person_helped(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any, organisation: Any
) -> None:
    # given: alice offers help on behalf of her organisation (dan is staff); bob is helped
    bob, dan = await make_person(), await make_person()
    org = await organisation(alice, "Handy Helpers", staff=(dan,))
    _, application = await engage(alice, bob, kind="offer", organisation_id=org.id)
    record_id = (await log(gql, alice, application))["hoursRecord"]["id"]
    # when
    by_dan = await decide(gql, VERIFY_HOURS, dan, record_id)
    # then: only bob, who was helped, verifies
    assert code(by_dan) == "FORBIDDEN"
    assert (await decide(gql, VERIFY_HOURS, bob, record_id))["hoursRecord"]["status"] == "VERIFIED"


async def test_a_moderator_resolves_disputes(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: bob logged two records for alice's request; mo moderates; ada is a hub admin
    bob, carol = await make_person(display_name="Bob"), await make_person()
    mo = await make_person(roles=[Role.MODERATOR])
    ada = await make_person(roles=[Role.HUB_ADMIN])
    _, application = await engage(alice, bob)
    first = (await log(gql, bob, application, minutes=120))["hoursRecord"]["id"]
    second = (await log(gql, bob, application, minutes=30))["hoursRecord"]["id"]
    third = (await log(gql, bob, application, minutes=15))["hoursRecord"]["id"]
    # when: alice disputes without a reason, then with one; a pending record goes to mo
    blank = await decide(gql, DISPUTE_HOURS, alice, first, reason="  ")
    by_bob = await decide(gql, DISPUTE_HOURS, bob, first, reason="Changed my mind")
    disputed = await decide(gql, DISPUTE_HOURS, alice, first, reason="It was one hour")
    await decide(gql, DISPUTE_HOURS, alice, second, reason="Did not happen")
    premature = await decide(gql, RESOLVE_DISPUTE, mo, third, verify=True)
    # then
    assert (code(blank), blank["errors"][0]["field"]) == ("INVALID", "reason")
    assert code(by_bob) == "OWN_HOURS"
    assert disputed["hoursRecord"] == {
        "id": first,
        "status": "DISPUTED",
        "disputeReason": "It was one hour",
    }
    assert code(premature) == "ALREADY_DECIDED"
    # when: the parties, a bystander, and verify/dispute on a disputed record
    refused = [
        await decide(gql, RESOLVE_DISPUTE, person, first, verify=True)
        for person in (alice, bob, carol)
    ]
    verify_disputed = await decide(gql, VERIFY_HOURS, alice, first)
    # then: only moderators resolve; a disputed record is no longer pending
    assert [code(r) for r in refused] == ["FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]
    assert code(verify_disputed) == "ALREADY_DECIDED"
    # when: mo verifies the first with a note; ada (hub admin) rejects the second
    verified = await decide(gql, RESOLVE_DISPUTE, mo, first, verify=True, note="Photos match")
    rejected = await decide(gql, RESOLVE_DISPUTE, ada, second, verify=False)
    twice = await decide(gql, RESOLVE_DISPUTE, mo, second, verify=True)
    # then
    assert verified["hoursRecord"] == {
        "id": first,
        "status": "VERIFIED",
        "resolutionNote": "Photos match",
    }
    assert rejected["hoursRecord"]["status"] == "REJECTED"
    assert code(twice) == "ALREADY_DECIDED"
    statuses = await HoursRecord.filter(application_id=application.id).order_by("id")
    assert [r.status for r in statuses] == ["verified", "rejected", "pending"]


async def test_a_moderator_who_is_a_party_does_not_resolve(
    gql: Any, hub: Any, make_person: Any, engage: Any
) -> None:
    # given: mo (a moderator) asked for help and disputes bob's hours
    mo = await make_person(roles=[Role.MODERATOR])
    bob = await make_person()
    _, application = await engage(mo, bob)
    record_id = (await log(gql, bob, application))["hoursRecord"]["id"]
    await decide(gql, DISPUTE_HOURS, mo, record_id, reason="Did not come")
    # when: mo resolves her own dispute
    resolved = await decide(gql, RESOLVE_DISPUTE, mo, record_id, verify=False)
    # then: another moderator must settle it
    assert code(resolved) == "FORBIDDEN"
    assert (await HoursRecord.get(hub_id=hub.id, application_id=application.id)).status == (
        HoursStatus.DISPUTED
    )


async def test_only_accepted_engagements_log_hours(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: alice's request with one place: bob pending, carol declined, dan withdrew,
    # erin waitlisted, fay accepted; and alice's offer whose applicant gus was declined
    bob, carol, dan, erin, fay, gus = [await make_person() for _ in range(6)]
    request = await post(alice, places=1)
    pending = await applications.apply(actor=actor_of(bob), opportunity_id=request.id)
    declined = await applications.apply(actor=actor_of(carol), opportunity_id=request.id)
    await applications.decline(actor=actor_of(alice), application_id=declined.id)
    withdrawn = await applications.apply(actor=actor_of(dan), opportunity_id=request.id)
    await applications.withdraw(actor=actor_of(dan), application_id=withdrawn.id)
    waitlisted = await applications.apply(actor=actor_of(erin), opportunity_id=request.id)
    await applications.waitlist(actor=actor_of(alice), application_id=waitlisted.id)
    accepted = await applications.apply(actor=actor_of(fay), opportunity_id=request.id)
    await applications.accept(actor=actor_of(alice), application_id=accepted.id)
    offer = await post(alice, kind="offer")
    offer_declined = await applications.apply(actor=actor_of(gus), opportunity_id=offer.id)
    await applications.decline(actor=actor_of(alice), application_id=offer_declined.id)
    # when
    refused = [
        await log(gql, person, application)
        for person, application in (
            (bob, pending),
            (carol, declined),
            (dan, withdrawn),
            (erin, waitlisted),
            (alice, offer_declined),
        )
    ]
    # then
    assert [code(r) for r in refused] == ["NOT_ACCEPTED"] * 5
    assert (await log(gql, fay, accepted))["errors"] == []
    assert await HoursRecord.filter(hub_id=hub.id).count() == 1


async def test_other_hubs_see_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: hours bob logged in alice's hub; a moderator and a member of another hub
    bob, carol = await make_person(), await make_person()
    _, application = await engage(alice, bob)
    pending = (await log(gql, bob, application))["hoursRecord"]["id"]
    other = (await log(gql, bob, application))["hoursRecord"]["id"]
    await decide(gql, DISPUTE_HOURS, alice, other, reason="Not so long")
    stranger = await create_person(hub=other_hub)
    outside_moderator = await create_person(hub=other_hub, roles=[Role.MODERATOR])
    # when
    seen = {
        name: (await gql(HOURS_NODE, {"id": pending}, as_=person))["node"]
        for name, person in (
            ("bob", bob),
            ("alice", alice),
            ("carol", carol),
            ("stranger", stranger),
        )
    }
    by_stranger = [
        await log(gql, stranger, application),
        await decide(gql, VERIFY_HOURS, stranger, pending),
        await decide(gql, DISPUTE_HOURS, stranger, pending, reason="Who?"),
        await decide(gql, RESOLVE_DISPUTE, outside_moderator, other, verify=True),
    ]
    # then: the two parties see the record; a bystander and the other hub see null
    assert seen["bob"] == seen["alice"] == {"id": pending, "minutes": 60, "status": "PENDING"}
    assert seen["carol"] is None and seen["stranger"] is None
    assert [code(r) for r in by_stranger] == ["NOT_FOUND"] * 4
    statuses = await HoursRecord.filter(application_id=application.id).order_by("id")
    assert [r.status for r in statuses] == ["pending", "disputed"]
    assert await HoursRecord.filter(hub_id=other_hub.id).count() == 0


async def test_bad_input_is_typed_and_writes_nothing(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given
    bob = await make_person()
    _, application = await engage(alice, bob)
    today = hub_today(hub)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"minutes": 0}, "INVALID", "minutes"),
        ({"minutes": -30}, "INVALID", "minutes"),
        ({"minutes": 1441}, "INVALID", "minutes"),
        ({"minutes": 10**6}, "INVALID", "minutes"),
        ({"worked_on": today + timedelta(days=1)}, "FUTURE_DATE", "workedOn"),
        ({"worked_on": today - timedelta(days=400)}, "INVALID", "workedOn"),
        ({"note": "x" * 501}, "INVALID", "note"),
        ({"note": "two\nlines"}, "INVALID", "note"),
        ({"applicationId": gid("Application", 2**62)}, "NOT_FOUND", "applicationId"),
        (
            {"applicationId": gid("Opportunity", application.opportunity_id)},
            "INVALID",
            "applicationId",
        ),
        ({"applicationId": "not-an-id"}, "INVALID", "applicationId"),
    ]
    # when
    results = [await log(gql, bob, application, **fields) for fields, _, _ in cases]
    # then
    for (fields, expected_code, field), result in zip(cases, results, strict=True):
        assert result["hoursRecord"] is None, fields
        assert (code(result), result["errors"][0]["field"]) == (expected_code, field), fields
    assert await HoursRecord.filter(hub_id=hub.id).count() == 0
    # and the ids of the other mutations are checked too
    for document, extra in ((VERIFY_HOURS, {}), (DISPUTE_HOURS, {"reason": "no"})):
        unknown = await decide(gql, document, alice, gid("HoursRecord", 2**62), **extra)
        wrong = await decide(gql, document, alice, gid("Application", application.id), **extra)
        assert (code(unknown), unknown["errors"][0]["field"]) == ("NOT_FOUND", "hoursRecordId")
        assert (code(wrong), wrong["errors"][0]["field"]) == ("INVALID", "hoursRecordId")


async def test_a_day_has_1440_minutes_across_records(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: bob volunteers for two of alice's requests
    bob = await make_person()
    _, first = await engage(alice, bob)
    _, second = await engage(alice, bob)
    yesterday = hub_today(hub) - timedelta(days=1)
    # when: 1000 minutes today on one, then 441 and 440 on the other
    ok = await log(gql, bob, first, minutes=1000)
    over = await log(gql, bob, second, minutes=441)
    exact = await log(gql, bob, second, minutes=440)
    full = await log(gql, bob, first, minutes=1)
    other_day = await log(gql, bob, second, minutes=1440, worked_on=yesterday)
    # then
    assert ok["errors"] == [] and exact["errors"] == [] and other_day["errors"] == []
    assert (code(over), over["errors"][0]["field"]) == ("INVALID", "minutes")
    assert code(full) == "INVALID"
    assert await HoursRecord.filter(hub_id=hub.id, volunteer_id=bob.member.id).count() == 3


async def test_rejected_hours_free_the_day(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: bob's 1440 minutes were disputed and a moderator rejected them
    bob, mo = await make_person(), await make_person(roles=[Role.MODERATOR])
    _, application = await engage(alice, bob)
    record = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=hub_today(hub), minutes=1440
    )
    blocked = await log(gql, bob, application, minutes=60)
    await hours.dispute_hours(actor=actor_of(alice), record_id=record.id, reason="No")
    await decide(gql, RESOLVE_DISPUTE, mo, gid("HoursRecord", record.id), verify=False)
    # when
    after = await log(gql, bob, application, minutes=60)
    # then
    assert code(blocked) == "INVALID" and after["errors"] == []


async def test_future_means_the_hubs_calendar(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: a hub whose date differs from UTC's right now (UTC+14 late in the UTC day,
    # UTC-11 early in it)
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 11 else "Pacific/Pago_Pago"
    await Hub.filter(id=hub.id).update(timezone=zone)
    hub.timezone = zone
    assert hub_today(hub) != now.date()
    bob = await make_person()
    _, application = await engage(alice, bob)
    # when: bob logs the hub's today, and the hub's tomorrow
    today = await log(gql, bob, application, worked_on=hub_today(hub))
    tomorrow = await log(gql, bob, application, worked_on=hub_today(hub) + timedelta(days=1))
    utc_today = await log(gql, bob, application, worked_on=now.date())
    # then
    assert today["errors"] == []
    assert code(tomorrow) == "FUTURE_DATE"
    # UTC's date is the hub's yesterday (fine) or tomorrow (future)
    expected = None if now.date() < hub_today(hub) else "FUTURE_DATE"
    assert code(utc_today) == expected


async def test_hours_wait_until_the_shift_has_begun_by_the_hubs_clock(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: a hub where it is about noon now, and bob accepted for alice's request
    now = datetime.now(UTC)
    offset = 12 - now.hour  # hours east of UTC: -11 to +12
    zone = f"Etc/GMT{-offset:+d}"  # the Etc names count west of UTC
    await Hub.filter(id=hub.id).update(timezone=zone)
    hub.timezone = zone
    bob = await make_person()
    opportunity, application = await engage(alice, bob)

    async def shift(starts: datetime, recurrence: str = "") -> None:
        await Opportunity.filter(id=opportunity.id).update(
            starts_at=starts, ends_at=starts + timedelta(hours=1), recurrence=recurrence
        )

    # when: the one shift starts in two hours, today; then it began two hours ago
    await shift(now + timedelta(hours=2))
    later_today = await log(gql, bob, application)
    await shift(now - timedelta(hours=2))
    begun = await log(gql, bob, application, minutes=30)
    # then: refused by the time, not the day
    assert later_today["errors"] == [
        {"code": "FUTURE_DATE", "field": "workedOn", "message": later_today["errors"][0]["message"]}
    ]
    assert begun["errors"] == [] and begun["hoursRecord"]["status"] == "PENDING"

    # when: a weekly shift that began a week ago, today at a later hour; then at an earlier one
    weekly = "FREQ=WEEKLY;COUNT=4"
    await shift(now + timedelta(hours=2) - timedelta(days=7), weekly)
    recurring_later = await log(gql, bob, application, minutes=15)
    await shift(now - timedelta(hours=2) - timedelta(days=7), weekly)
    recurring_begun = await log(gql, bob, application, minutes=15)
    # then
    assert code(recurring_later) == "FUTURE_DATE"
    assert recurring_begun["errors"] == []
    assert await HoursRecord.filter(application_id=application.id).count() == 2
