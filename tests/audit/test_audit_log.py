"""Hub admins read the audit log: filters, Relay pages, no N+1; nobody else reads it."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.audit import service as audit
from tests.helpers import count_sql
from tests.people.conftest import actor_of, gid

EVENTS = """
query Audit($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { node { action objectType objectId data createdAt
                   actor { id displayName } actedBy { id } subject { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _log(hub: Any, admin: Any, alice: Any, bob: Any) -> None:
    """Role grants to alice and bob by the admin, and a profile change by alice."""
    admin_actor, alice_actor = await actor_of(admin), await actor_of(alice)
    for person in (alice, bob):
        await audit.record(
            actor=admin_actor,
            hub_id=hub.id,
            action="role.grant",
            object_type="Member",
            object_id=person.member.id,
            data={"role": "moderator"},
        )
    await audit.record(
        actor=alice_actor,
        hub_id=hub.id,
        action="member.update_profile",
        object_type="Member",
        object_id=alice.member.id,
        data={"fields": ["bio"]},
    )


def actions(data: dict[str, Any]) -> list[str]:
    """The actions listed, leaving out the registrations of the test's people."""
    edges = data["auditEvents"]["edges"]
    return [e["node"]["action"] for e in edges if e["node"]["action"] != "member.register"]


async def test_a_hub_admin_filters_the_log(
    gql: Any, hub: Any, admin: Any, alice: Any, bob: Any, zed: Any
) -> None:
    # given: three events here, one in another hub
    await _log(hub, admin, alice, bob)
    await audit.record(actor=await actor_of(zed), hub_id=zed.member.hub_id, action="role.grant")
    # when: everything, newest first
    everything = await gql(EVENTS, as_=admin)
    # then: this hub's only
    assert actions(everything) == ["member.update_profile", "role.grant", "role.grant"]
    newest = everything["auditEvents"]["edges"][0]["node"]
    assert newest["actor"] == {"id": alice.gid, "displayName": alice.member.display_name}
    assert newest["subject"] == {"id": alice.gid}
    assert newest["objectId"] == alice.gid
    assert (newest["objectType"], newest["data"], newest["actedBy"]) == (
        "Member",
        {"fields": ["bio"]},
        None,
    )
    # when / then: by actor, subject, action, action family, object type
    cases = [
        ({"actorId": admin.gid}, ["role.grant", "role.grant"]),
        ({"actorId": alice.gid}, ["member.update_profile"]),
        ({"subjectId": bob.gid}, ["role.grant"]),
        ({"subjectId": alice.gid}, ["member.update_profile", "role.grant"]),
        ({"action": "role.grant", "actorId": admin.gid}, ["role.grant", "role.grant"]),
        ({"action": "member."}, ["member.update_profile"]),
        ({"objectType": "Organisation"}, []),
    ]
    for given, expected in cases:
        assert actions(await gql(EVENTS, {"filter": given}, as_=admin)) == expected, given
    # when / then: a time range
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    assert actions(await gql(EVENTS, {"filter": {"since": later}}, as_=admin)) == []
    in_range = await gql(EVENTS, {"filter": {"since": earlier, "until": later}}, as_=admin)
    assert len(actions(in_range)) == 3


async def test_the_log_pages_with_relay_cursors(
    gql: Any, hub: Any, admin: Any, alice: Any, bob: Any
) -> None:
    # given
    await _log(hub, admin, alice, bob)
    whole = await gql(EVENTS, {"first": 50}, as_=admin)
    # when: two at a time
    pages, after = [], None
    while True:
        page = (await gql(EVENTS, {"first": 2, "after": after}, as_=admin))["auditEvents"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then: the same events in the same order, none twice
    assert len(pages) > 2
    assert [e for p in pages for e in p["edges"]] == whole["auditEvents"]["edges"]


async def test_a_page_costs_the_same_statements_for_1_or_20_events(
    gql: Any, hub: Any, admin: Any, make_person: Any
) -> None:
    # given: one event, measured; then twenty by twenty actors about twenty members
    admin_actor = await actor_of(admin)
    await audit.record(actor=admin_actor, hub_id=hub.id, action="role.grant")
    with count_sql() as one:
        await gql(EVENTS, {"first": 50}, as_=admin)
    for _ in range(19):
        person = await make_person()
        await audit.record(
            actor=await actor_of(person),
            hub_id=hub.id,
            action="member.update_profile",
            object_type="Member",
            object_id=person.member.id,
        )
    # when
    with count_sql() as twenty:
        data = await gql(EVENTS, {"first": 50}, as_=admin)
    # then
    assert len(actions(data)) == 20  # and 19 registrations
    assert len(twenty.statements) == len(one.statements), (one.statements, twenty.statements)


async def test_only_hub_admins_read_the_log(
    gql: Any, hub: Any, alice: Any, moderator: Any, coordinator: Any
) -> None:
    await audit.record(actor=None, hub_id=hub.id, action="role.grant")
    for person in (alice, moderator, coordinator, None):
        body = await gql.raw(EVENTS, as_=person)
        assert body["data"] is None, person
        code = body["errors"][0]["extensions"]["code"]
        assert code == ("UNAUTHENTICATED" if person is None else "FORBIDDEN")


async def test_bad_filters_are_typed_errors(gql: Any, admin: Any) -> None:
    now = datetime.now(UTC)
    cases = [
        ({"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat()}, "INVALID"),
        ({"actorId": gid("Skill", 1)}, "INVALID"),
        ({"action": "x" * 61}, "INVALID"),
        ({"subjectId": "not an id"}, "INVALID"),
    ]
    for given, code in cases:
        body = await gql.raw(EVENTS, {"filter": given}, as_=admin)
        assert body["data"] is None, given
        assert body["errors"][0]["extensions"]["code"] == code, (given, body)
