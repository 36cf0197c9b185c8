"""Proxy members: coordinators act for people without a phone or computer, and it is audited."""

from typing import Any

from strawberry import relay

from app.audit.models import AuditEvent
from app.people.models import Member, MemberRole, MemberStatus, ProxyLink, Role
from tests.helpers import Person, refused_act_for
from tests.people.conftest import gid, snapshot

CREATE_PROXY = """
mutation CreateProxy($input: CreateProxyMemberInput!) {
  createProxyMember(input: $input) {
    member { id displayName isProxy email roles }
    errors { code field message }
  }
}"""
UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    member { id displayName bio homeLocation { lat lng } }
    errors { code field message }
  }
}"""
LINK = """
mutation Link($input: LinkProxyInput!) {
  linkProxy(input: $input) {
    member { id displayName } coordinator { id displayName }
    errors { code field message }
  }
}"""
UNLINK = """
mutation Unlink($input: UnlinkProxyInput!) {
  unlinkProxy(input: $input) { member { id } errors { code field message } }
}"""
GRANT = """
mutation Grant($input: GrantRoleInput!) {
  grantRole(input: $input) { errors { code field message } }
}"""
VIEWER = "query { viewer { id displayName } }"
MEMBERS = "query { members(first: 5) { edges { node { id } } } }"


def pk(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _proxy(gql: Any, coordinator: Person, name: str = "Edna") -> str:
    data = await gql(CREATE_PROXY, {"input": {"displayName": name}}, as_=coordinator)
    assert data["createProxyMember"]["errors"] == []
    return data["createProxyMember"]["member"]["id"]  # type: ignore[no-any-return]


async def test_a_coordinator_creates_a_proxy_member(gql: Any, hub: Any, coordinator: Any) -> None:
    # when
    data = await gql(CREATE_PROXY, {"input": {"displayName": " Edna "}}, as_=coordinator)
    # then: a member without email or password, with only the member role
    payload = data["createProxyMember"]
    assert payload["errors"] == []
    edna = await Member.get(id=pk(payload["member"]["id"]), hub_id=hub.id)
    assert payload["member"]["displayName"] == "Edna" and payload["member"]["isProxy"] is True
    assert (edna.is_proxy, edna.email, edna.password_hash) == (True, None, None)
    roles = await MemberRole.filter(member_id=edna.id).values_list("role", flat=True)
    assert list(roles) == [Role.MEMBER]
    # and: linked to the coordinator who made them, which is audited
    link = await ProxyLink.get(member_id=edna.id)
    assert (link.coordinator_id, link.active, link.hub_id) == (coordinator.member.id, True, hub.id)
    event = await AuditEvent.get(action="member.create_proxy", object_id=edna.id)
    assert event.actor_id == coordinator.member.id


async def test_only_coordinators_create_proxy_members(
    gql: Any, hub: Any, alice: Any, admin: Any, moderator: Any, coordinator: Any
) -> None:
    # given
    before = await snapshot(hub.id)
    # when: members who are not coordinators try (hub admins included)
    for person in (alice, admin, moderator):
        data = await gql(CREATE_PROXY, {"input": {"displayName": "Edna"}}, as_=person)
        # then
        assert codes(data["createProxyMember"]) == [("FORBIDDEN", None)]
    # when: a coordinator gives a bad name
    for name in ("", "x" * 81, "Edna\nSmith"):
        data = await gql(CREATE_PROXY, {"input": {"displayName": name}}, as_=coordinator)
        # then
        assert codes(data["createProxyMember"]) == [("INVALID", "displayName")]
    assert await snapshot(hub.id) == before


async def test_a_coordinator_acts_for_the_member_and_the_audit_names_both(
    gql: Any, coordinator: Any
) -> None:
    # given
    edna = await _proxy(gql, coordinator)
    acting = {"as_": coordinator, "headers": {"CH-Act-For": edna}}
    # when: the coordinator updates Edna's profile on her behalf
    data = await gql(
        UPDATE_PROFILE,
        {"input": {"bio": "Knits for the hospice.", "homeLocation": {"lat": 53.48, "lng": -2.24}}},
        **acting,
    )
    # then: it is Edna's profile that changed, and the coordinator sees it as she would
    assert data["updateProfile"] == {
        "member": {
            "id": edna,
            "displayName": "Edna",
            "bio": "Knits for the hospice.",
            "homeLocation": {"lat": 53.48, "lng": -2.24},
        },
        "errors": [],
    }
    assert (await Member.get(id=pk(edna))).bio == "Knits for the hospice."
    assert (await Member.get(id=coordinator.member.id)).bio == ""
    assert (await gql(VIEWER, **acting))["viewer"] == {"id": edna, "displayName": "Edna"}
    # and: the audit log records Edna as the actor, and the coordinator as who acted for her
    event = await AuditEvent.get(action="member.update_profile", object_id=pk(edna))
    assert (event.actor_id, event.acted_by_id) == (pk(edna), coordinator.member.id)


async def test_nobody_else_can_act_for_the_member(
    gql: Any, hub: Any, alice: Any, coordinator: Any, make_person: Any, zed: Any
) -> None:
    # given
    edna = await _proxy(gql, coordinator)
    other_coordinator = await make_person(display_name="Other", roles=[Role.COORDINATOR])
    before = await snapshot(hub.id)
    attempts = [
        (alice, edna),  # a plain member
        (other_coordinator, edna),  # a coordinator without a link to her
        (zed, edna),  # a coordinator of another hub
        (coordinator, alice.gid),  # a member the coordinator is not linked to
        (coordinator, gid("Skill", pk(edna))),  # not a member's id
        (coordinator, "nonsense"),
    ]
    for person, header in attempts:
        # when
        # then: the whole request is refused (it does not run as nobody either)
        await refused_act_for(
            gql, UPDATE_PROFILE, {"input": {"bio": "Hijacked"}}, as_=person, act_for=header
        )
    assert await snapshot(hub.id) == before


async def test_acting_for_a_member_gives_only_their_permissions(
    gql: Any, hub: Any, coordinator: Any
) -> None:
    # given
    edna = await _proxy(gql, coordinator)
    acting = {"as_": coordinator, "headers": {"CH-Act-For": edna}}
    # when: the coordinator, acting as Edna, uses a coordinator's powers
    listed = await gql.raw(MEMBERS, **acting)
    created = await gql(CREATE_PROXY, {"input": {"displayName": "Fred"}}, **acting)
    # then: Edna holds none of them
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(created["createProxyMember"]) == [("FORBIDDEN", None)]
    assert not await Member.exists(hub_id=hub.id, display_name="Fred")


async def test_a_hub_admin_links_and_unlinks_a_coordinator(
    gql: Any, bob: Any, admin: Any, coordinator: Any, make_person: Any
) -> None:
    # given: Edna, and a second coordinator; bob (a member who has agreed) as well
    edna = await _proxy(gql, coordinator)
    helper = await make_person(display_name="Helper", roles=[Role.COORDINATOR])
    for member in (edna, bob.gid):
        # when
        data = await gql(
            LINK, {"input": {"coordinatorId": helper.gid, "memberId": member}}, as_=admin
        )
        # then
        assert data["linkProxy"]["errors"] == []
        assert data["linkProxy"]["coordinator"] == {"id": helper.gid, "displayName": "Helper"}
        assert data["linkProxy"]["member"]["id"] == member
        acted = await gql(
            UPDATE_PROFILE,
            {"input": {"bio": "Updated by Helper."}},
            as_=helper,
            headers={"CH-Act-For": member},
        )
        assert acted["updateProfile"]["errors"] == []
    assert await AuditEvent.filter(action="proxy.link", actor_id=admin.member.id).count() == 2
    # when: unlinked
    link = {"coordinatorId": helper.gid, "memberId": edna}
    data = await gql(UNLINK, {"input": link}, as_=admin)
    # then: the helper can no longer act for Edna; her own coordinator still can
    assert data["unlinkProxy"] == {"member": {"id": edna}, "errors": []}
    await refused_act_for(gql, UPDATE_PROFILE, {"input": {"bio": "x"}}, as_=helper, act_for=edna)
    still = await gql(
        UPDATE_PROFILE, {"input": {"bio": "y"}}, as_=coordinator, headers={"CH-Act-For": edna}
    )
    assert still["updateProfile"]["errors"] == []
    assert await AuditEvent.exists(action="proxy.unlink", object_id=pk(edna))
    # when: unlinked twice
    again = await gql(UNLINK, {"input": link}, as_=admin)
    # then
    assert codes(again["unlinkProxy"]) == [("NOT_FOUND", "memberId")]
    # when: linked again
    relinked = await gql(LINK, {"input": link}, as_=admin)
    # then: the same link is active again
    assert relinked["linkProxy"]["errors"] == []
    assert await ProxyLink.filter(member_id=pk(edna), coordinator_id=helper.member.id).count() == 1


async def test_bad_link_input_is_typed_and_writes_nothing(
    gql: Any, hub: Any, alice: Any, bob: Any, admin: Any, moderator: Any, coordinator: Any, zed: Any
) -> None:
    # given
    edna = await _proxy(gql, coordinator)
    before = await snapshot(hub.id)
    c = coordinator.gid
    cases = [
        ({"coordinatorId": bob.gid, "memberId": edna}, ("INVALID", "coordinatorId")),
        ({"coordinatorId": c, "memberId": c}, ("INVALID", "memberId")),
        ({"coordinatorId": c, "memberId": moderator.gid}, ("INVALID", "memberId")),
        ({"coordinatorId": c, "memberId": admin.gid}, ("INVALID", "memberId")),
        ({"coordinatorId": gid("Member", 10**9), "memberId": edna}, ("NOT_FOUND", "coordinatorId")),
        ({"coordinatorId": c, "memberId": gid("Member", 10**9)}, ("NOT_FOUND", "memberId")),
        ({"coordinatorId": zed.gid, "memberId": edna}, ("NOT_FOUND", "coordinatorId")),
        ({"coordinatorId": c, "memberId": zed.gid}, ("NOT_FOUND", "memberId")),
        ({"coordinatorId": gid("Hub", hub.id), "memberId": edna}, ("INVALID", "coordinatorId")),
        ({"coordinatorId": c, "memberId": "nonsense"}, ("INVALID", "memberId")),
    ]
    for variables, error in cases:
        # when
        data = await gql(LINK, {"input": variables}, as_=admin)
        # then
        assert codes(data["linkProxy"]) == [error], variables
    # when: members who are not hub admins try (the coordinator included)
    for person in (alice, moderator, coordinator):
        linked = await gql(LINK, {"input": {"coordinatorId": c, "memberId": bob.gid}}, as_=person)
        unlinked = await gql(UNLINK, {"input": {"coordinatorId": c, "memberId": edna}}, as_=person)
        # then
        assert codes(linked["linkProxy"]) == [("FORBIDDEN", None)]
        assert codes(unlinked["unlinkProxy"]) == [("FORBIDDEN", None)]
    assert await snapshot(hub.id) == before


async def test_a_member_someone_acts_for_holds_no_other_role(
    gql: Any, hub: Any, bob: Any, admin: Any, coordinator: Any
) -> None:
    # given: Edna, and bob once linked to the coordinator
    edna = await _proxy(gql, coordinator)
    await gql(LINK, {"input": {"coordinatorId": coordinator.gid, "memberId": bob.gid}}, as_=admin)
    for member in (edna, bob.gid):
        # when: a hub admin makes them a moderator
        data = await gql(GRANT, {"input": {"memberId": member, "role": "MODERATOR"}}, as_=admin)
        # then: refused, since the coordinator would act as a moderator through them
        assert codes(data["grantRole"]) == [("INVALID", "role")]
    assert not await MemberRole.filter(hub_id=hub.id, role=Role.MODERATOR).exists()


async def test_nobody_acts_for_a_suspended_member(gql: Any, hub: Any, coordinator: Any) -> None:
    # given: Edna is suspended (moderation); her coordinator's link is still active
    edna = await _proxy(gql, coordinator)
    await Member.filter(id=pk(edna)).update(status=MemberStatus.SUSPENDED)
    before = await snapshot(hub.id)
    # when
    await refused_act_for(
        gql, UPDATE_PROFILE, {"input": {"bio": "Still here"}}, as_=coordinator, act_for=edna
    )
    # then: as if she could sign in herself, she cannot be acted for
    assert await snapshot(hub.id) == before
