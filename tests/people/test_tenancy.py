"""Tenancy: the staff of another hub never read or change this hub's people, skills or checks."""

from typing import Any

from app.people.models import Skill
from tests.helpers import refused_act_for
from tests.people.conftest import gid, snapshot

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Member { displayName }
    ... on Skill { name }
    ... on TrustCheck { reference }
  }
}"""
LISTS = """
query Lists {
  skills(first: 50) { edges { node { id } } }
  members(first: 50) { edges { node { id } } }
  pendingTrustChecks(first: 50) { edges { node { id } } }
}"""
CREATE_PROXY = """
mutation CreateProxy($input: CreateProxyMemberInput!) {
  createProxyMember(input: $input) { member { id } errors { code } }
}"""
SUBMIT = """
mutation Submit($input: SubmitTrustCheckInput!) {
  submitTrustCheck(input: $input) { trustCheck { id } errors { code } }
}"""
UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { id } errors { code } }
}"""
# Each aimed at a row of this hub; (document, input).
MUTATIONS = [
    (
        "mutation($input: UpdateSkillInput!) { updateSkill(input: $input) { errors { code field } } }",
        lambda ids: {"skillId": ids["skill"], "name": "Taken"},
    ),
    (
        "mutation($input: SetMySkillsInput!) { setMySkills(input: $input) { errors { code field } } }",
        lambda ids: {"skillIds": [ids["skill"]]},
    ),
    (
        "mutation($input: ReviewTrustCheckInput!) { reviewTrustCheck(input: $input) { errors { code field } } }",
        lambda ids: {"checkId": ids["check"], "approve": True},
    ),
    (
        "mutation($input: GrantRoleInput!) { grantRole(input: $input) { errors { code field } } }",
        lambda ids: {"memberId": ids["alice"], "role": "HUB_ADMIN"},
    ),
    (
        "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { errors { code field } } }",
        lambda ids: {"memberId": ids["admin"], "role": "HUB_ADMIN"},
    ),
    (
        "mutation($input: LinkProxyInput!) { linkProxy(input: $input) { errors { code field } } }",
        lambda ids: {"coordinatorId": ids["zed"], "memberId": ids["edna"]},
    ),
    (
        "mutation($input: LinkProxyInput!) { linkProxy(input: $input) { errors { code field } } }",
        lambda ids: {"coordinatorId": ids["coordinator"], "memberId": ids["alice"]},
    ),
    (
        "mutation($input: UnlinkProxyInput!) { unlinkProxy(input: $input) { errors { code field } } }",
        lambda ids: {"coordinatorId": ids["coordinator"], "memberId": ids["edna"]},
    ),
]


async def test_the_staff_of_another_hub_read_and_change_nothing_here(
    gql: Any, hub: Any, alice: Any, admin: Any, coordinator: Any, zed: Any
) -> None:
    # given: this hub has a skill, a pending check, and a proxy member
    skill = await Skill.create(hub_id=hub.id, slug="cooking", name="Cooking")
    check = (await gql(SUBMIT, {"input": {"kind": "DBS_BASIC", "reference": "R-1"}}, as_=alice))[
        "submitTrustCheck"
    ]["trustCheck"]["id"]
    edna = (await gql(CREATE_PROXY, {"input": {"displayName": "Edna"}}, as_=coordinator))[
        "createProxyMember"
    ]["member"]["id"]
    ids = {
        "skill": gid("Skill", skill.id),
        "check": check,
        "alice": alice.gid,
        "admin": admin.gid,
        "coordinator": coordinator.gid,
        "edna": edna,
        "zed": zed.gid,
    }
    before = await snapshot(hub.id)
    # when / then: zed, a hub admin, moderator and coordinator elsewhere, resolves no node here,
    # even sending this hub's slug in the header
    for node_id in (ids["skill"], ids["check"], ids["alice"], ids["edna"]):
        data = await gql(NODE, {"id": node_id}, as_=zed, headers={"CH-Hub": hub.slug})
        assert data["node"] is None, node_id
    # and: the lists show only zed's own hub
    lists = await gql(LISTS, as_=zed, headers={"CH-Hub": hub.slug})
    assert lists["skills"]["edges"] == [] and lists["pendingTrustChecks"]["edges"] == []
    assert [e["node"]["id"] for e in lists["members"]["edges"]] == [zed.gid]
    # and: every mutation aimed at this hub's rows is a typed error
    for document, make_input in MUTATIONS:
        data = await gql(document, {"input": make_input(ids)}, as_=zed)
        [payload] = data.values()
        assert payload["errors"], document
        assert payload["errors"][0]["code"] in {"NOT_FOUND", "INVALID"}, document
    # and: acting for this hub's proxy member does not sign zed in
    await refused_act_for(
        gql, UPDATE_PROFILE, {"input": {"bio": "Hijacked"}}, as_=zed, act_for=edna
    )
    # then: this hub is exactly as it was
    assert await snapshot(hub.id) == before


async def test_a_member_reads_only_their_own_hubs_taxonomy(
    gql: Any, hub: Any, other_hub: Any, alice: Any
) -> None:
    # given
    await Skill.create(hub_id=hub.id, slug="cooking", name="Cooking")
    await Skill.create(hub_id=other_hub.id, slug="welding", name="Welding")
    skills = "query { skills(first: 10) { edges { node { slug } } } }"
    # when: alice sends the other hub's slug as well
    data = await gql(skills, as_=alice, headers={"CH-Hub": other_hub.slug})
    # then: a signed-in member's hub is their own
    assert data["skills"]["edges"] == [{"node": {"slug": "cooking"}}]
    # and: anonymously, the header chooses the hub
    data = await gql(skills, headers={"CH-Hub": other_hub.slug})
    assert data["skills"]["edges"] == [{"node": {"slug": "welding"}}]
