"""Moderators reading members' trust checks (DBS numbers) leave one audit row per member and
field; members reading their own leave none."""

from typing import Any

from app.audit.models import AuditEvent
from app.people import service as people
from app.people.models import CheckKind
from tests.helpers import count_sql
from tests.people.conftest import actor_of

PENDING = """
query { pendingTrustChecks(first: 50) { edges { node {
  reference member { id trustChecks { reference } } } } } }"""
MINE = "query { viewer { trustChecks { reference } } }"


async def _checks(people_: list[Any]) -> None:
    for i, person in enumerate(people_):
        for kind in (CheckKind.DBS_BASIC, CheckKind.FIRST_AID):
            await people.submit_check(
                actor=await actor_of(person), kind=kind, reference=f"REF-{i}-{kind.value}"
            )


async def _reads(person: Any) -> list[tuple[int | None, int | None, str]]:
    """The private reads recorded in the person's hub, sorted."""
    rows = await AuditEvent.filter(hub_id=person.member.hub_id, action="private.read")
    return sorted((r.actor_id, r.subject_id, r.data["field"]) for r in rows)


async def test_a_moderator_reading_checks_is_audited_once_per_member_and_field(
    gql: Any, moderator: Any, alice: Any, bob: Any, make_person: Any
) -> None:
    # given: two checks each for alice and bob
    await _checks([alice, bob])
    # when: the moderator reads them all, through two fields
    with count_sql() as two:
        data = await gql(PENDING, as_=moderator)
    # then
    assert len(data["pendingTrustChecks"]["edges"]) == 4
    m = moderator.member.id
    assert await _reads(moderator) == [
        (m, alice.member.id, "Member.trustChecks"),
        (m, alice.member.id, "TrustCheck.reference"),
        (m, bob.member.id, "Member.trustChecks"),
        (m, bob.member.id, "TrustCheck.reference"),
    ]
    # and: the same statements for more members (one insert per field, not per member)
    await _checks([await make_person(), await make_person()])
    with count_sql() as four:
        await gql(PENDING, as_=moderator)
    assert len(four.statements) == len(two.statements)


async def test_reading_your_own_checks_is_not_recorded(gql: Any, alice: Any) -> None:
    await _checks([alice])
    data = await gql(MINE, as_=alice)
    assert len(data["viewer"]["trustChecks"]) == 2
    assert await _reads(alice) == []
