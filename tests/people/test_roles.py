"""Roles in the hub: hub admins grant and revoke them; the hub always keeps a hub admin."""

from typing import Any

from app.audit.models import AuditEvent
from app.people.models import MemberRole, Role
from tests.people.conftest import gid, snapshot

GRANT = """
mutation Grant($input: GrantRoleInput!) {
  grantRole(input: $input) { member { id roles } errors { code field message } }
}"""
REVOKE = """
mutation Revoke($input: RevokeRoleInput!) {
  revokeRole(input: $input) { member { id roles } errors { code field message } }
}"""
ROLES = """
query Roles($id: ID!) { node(id: $id) { ... on Member { displayName roles } } }"""


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_a_hub_admin_grants_and_revokes_a_role(gql: Any, alice: Any, admin: Any) -> None:
    # when
    data = await gql(GRANT, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=admin)
    # then
    assert data["grantRole"] == {
        "member": {"id": alice.gid, "roles": ["MEMBER", "MODERATOR"]},
        "errors": [],
    }
    # when: granted again
    again = await gql(GRANT, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=admin)
    # then: nothing changes, and it is audited once
    assert again["grantRole"]["errors"] == []
    assert await MemberRole.filter(member_id=alice.member.id).count() == 2
    assert await AuditEvent.filter(action="role.grant", object_id=alice.member.id).count() == 1
    # when: revoked
    data = await gql(REVOKE, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=admin)
    # then
    assert data["revokeRole"]["member"]["roles"] == ["MEMBER"]
    event = await AuditEvent.get(action="role.revoke", object_id=alice.member.id)
    assert (event.actor_id, event.data) == (admin.member.id, {"role": "moderator"})


async def test_only_hub_admins_manage_roles(
    gql: Any, alice: Any, bob: Any, moderator: Any, coordinator: Any
) -> None:
    # given
    before = await snapshot(alice.member.hub_id)
    for person in (alice, moderator, coordinator):
        # when: anyone else tries, even for themself
        granted = await gql(
            GRANT, {"input": {"memberId": person.gid, "role": "HUB_ADMIN"}}, as_=person
        )
        revoked = await gql(REVOKE, {"input": {"memberId": bob.gid, "role": "MEMBER"}}, as_=person)
        # then
        assert codes(granted["grantRole"]) == [("FORBIDDEN", None)]
        assert codes(revoked["revokeRole"]) == [("FORBIDDEN", None)]
    assert await snapshot(alice.member.hub_id) == before
    # and: signed out, it is not even a typed error
    body = await gql.raw(GRANT, {"input": {"memberId": bob.gid, "role": "MODERATOR"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_last_hub_admin_cannot_step_down(
    gql: Any, alice: Any, admin: Any, make_person: Any
) -> None:
    # when: the only hub admin revokes their own hub admin role
    data = await gql(REVOKE, {"input": {"memberId": admin.gid, "role": "HUB_ADMIN"}}, as_=admin)
    # then
    assert codes(data["revokeRole"]) == [("LAST_ADMIN", "memberId")]
    assert await MemberRole.exists(member_id=admin.member.id, role=Role.HUB_ADMIN)
    # when: a second hub admin joins, the first may step down
    second = await make_person(display_name="Second admin", roles=[Role.HUB_ADMIN])
    data = await gql(REVOKE, {"input": {"memberId": admin.gid, "role": "HUB_ADMIN"}}, as_=admin)
    assert data["revokeRole"]["errors"] == []
    # then: and now the second is the last one
    data = await gql(REVOKE, {"input": {"memberId": second.gid, "role": "HUB_ADMIN"}}, as_=second)
    assert codes(data["revokeRole"]) == [("LAST_ADMIN", "memberId")]


async def test_bad_role_input_is_typed_and_writes_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Any, admin: Any, zed: Any
) -> None:
    # given
    before = {h.id: await snapshot(h.id) for h in (hub, other_hub)}
    cases = [
        (REVOKE, {"memberId": alice.gid, "role": "MEMBER"}, ("INVALID", "role")),
        (GRANT, {"memberId": gid("Member", 10**9), "role": "MODERATOR"}, ("NOT_FOUND", "memberId")),
        (GRANT, {"memberId": zed.gid, "role": "MODERATOR"}, ("NOT_FOUND", "memberId")),
        (REVOKE, {"memberId": zed.gid, "role": "HUB_ADMIN"}, ("NOT_FOUND", "memberId")),
        (GRANT, {"memberId": gid("Hub", hub.id), "role": "MODERATOR"}, ("INVALID", "memberId")),
        (GRANT, {"memberId": gid("Skill", 1), "role": "MODERATOR"}, ("INVALID", "memberId")),
        (GRANT, {"memberId": "nonsense", "role": "MODERATOR"}, ("INVALID", "memberId")),
    ]
    for document, variables, error in cases:
        # when
        data = await gql(document, {"input": variables}, as_=admin)
        # then
        [payload] = data.values()
        assert payload["member"] is None
        assert codes(payload) == [error], variables
    # and: neither hub changed
    assert {h.id: await snapshot(h.id) for h in (hub, other_hub)} == before


async def test_roles_are_seen_by_the_member_moderators_and_hub_admins(
    gql: Any, alice: Any, bob: Any, moderator: Any, admin: Any, coordinator: Any
) -> None:
    # when / then
    for viewer in (alice, moderator, admin):
        assert (await gql(ROLES, {"id": alice.gid}, as_=viewer))["node"]["roles"] == ["MEMBER"]
    for viewer in (bob, coordinator):
        assert (await gql(ROLES, {"id": alice.gid}, as_=viewer))["node"]["roles"] is None
