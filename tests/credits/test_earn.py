"""Verified hours earn credits exactly once, whatever retries or duplicate events happen."""

from datetime import date
from typing import Any

from app import events
from app.credits import service
from app.credits.models import Account, Transfer
from app.opportunities import applications
from app.portfolios import hours
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.opportunities.conftest import actor_of

VERIFY = """
mutation Verify($input: VerifyHoursInput!) {
  verifyHours(input: $input) { hoursRecord { status } errors { code } }
}"""


async def test_verified_hours_earn_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    # given: bob volunteered 90 minutes for alice's request (hub rate: 60 credits an hour)
    bob = await make_person(display_name="Bob")
    opportunity = await post(alice, auto_accept=True)
    application = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    record = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=90
    )
    # when: alice verifies, the worker runs (twice), and the event is emitted again
    data = await gql(
        VERIFY, {"input": {"hoursRecordId": str(encode_id("HoursRecord", record.id))}}, as_=alice
    )
    assert data["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"
    await run_jobs()
    await run_jobs()
    await events.emit("hours.verified", {"hours_record_id": record.id}, key=f"{record.id}")
    await service.earn_for_hours(hours_record_id=record.id)
    await run_jobs()
    # then
    account = await Account.get(hub_id=hub.id, member_id=bob.member.id)
    assert account.balance == 90
    assert await Transfer.filter(hub_id=hub.id, reference=f"hours:{record.id}").count() == 1
    assert await books(hub.id) == 0


async def test_unverified_hours_earn_nothing(
    hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob = await make_person()
    opportunity = await post(alice, auto_accept=True)
    application = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    record = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=30
    )
    assert await service.earn_for_hours(hours_record_id=record.id) is None
    assert not await Transfer.exists(hub_id=hub.id, reference=f"hours:{record.id}")


def test_credits_round_half_up() -> None:
    assert service.credits_for(90, 60) == 90
    assert service.credits_for(1, 1) == 0
    assert service.credits_for(30, 1) == 1
    assert service.credits_for(45, 10) == 8
