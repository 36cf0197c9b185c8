"""members(first, after, search): the hub's people for its staff, with bounded SQL."""

from typing import Any

from app.auth import service as auth
from app.people.models import CheckKind, Member, MemberRole, MemberSkill, Role, Skill, TrustCheck
from tests.helpers import count_sql

MEMBERS = """
query Members($first: Int, $after: String, $search: String) {
  members(first: $first, after: $after, search: $search) {
    edges { node { id displayName } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MEMBERS_WITH_RELATIONS = """
query MembersWithRelations($first: Int!) {
  members(first: $first) {
    edges { node { displayName skills { slug name } roles trustChecks { kind status } } }
  }
}"""


def names(data: dict[str, Any]) -> list[str]:
    return [e["node"]["displayName"] for e in data["members"]["edges"]]


async def test_hub_staff_list_the_members_by_when_they_joined(
    gql: Any, alice: Any, bob: Any, admin: Any, moderator: Any, coordinator: Any, zed: Any
) -> None:
    # when / then: hub admins, moderators and coordinators see everyone in their hub, oldest first
    for viewer in (admin, moderator, coordinator):
        data = await gql(MEMBERS, {"first": 10}, as_=viewer)
        assert names(data) == ["Alice", "Bob", "Hub admin", "Moderator", "Coordinator"]
        assert alice.gid == data["members"]["edges"][0]["node"]["id"]
    # and: page by page
    first = (await gql(MEMBERS, {"first": 2}, as_=admin))["members"]
    rest = await gql(MEMBERS, {"first": 10, "after": first["pageInfo"]["endCursor"]}, as_=admin)
    assert first["pageInfo"]["hasNextPage"] is True
    assert names(rest) == ["Hub admin", "Moderator", "Coordinator"]


async def test_search_matches_part_of_the_display_name_in_any_case(
    gql: Any, alice: Any, bob: Any, admin: Any, make_person: Any
) -> None:
    # given
    await make_person(display_name="Malia 100% Jones")
    await make_person(display_name="Alicia_Keys")
    # when / then
    for search, found in [
        ("ALI", ["Alice", "Malia 100% Jones", "Alicia_Keys"]),
        ("  bob ", ["Bob"]),
        ("%", ["Malia 100% Jones"]),  # a literal percent sign, not a wildcard
        ("a_k", ["Alicia_Keys"]),  # a literal underscore
        ("nobody", []),
        ("   ", ["Alice", "Bob", "Hub admin", "Malia 100% Jones", "Alicia_Keys"]),
    ]:
        assert names(await gql(MEMBERS, {"first": 10, "search": search}, as_=admin)) == found
    # when: a search longer than any name
    body = await gql.raw(MEMBERS, {"first": 10, "search": "x" * 81}, as_=admin)
    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_members_are_not_listed_for_plain_members_or_anonymously(
    gql: Any, hub: Any, alice: Any
) -> None:
    # when
    as_member = await gql.raw(MEMBERS, {"first": 10}, as_=alice)
    anonymous = await gql.raw(MEMBERS, {"first": 10}, headers={"CH-Hub": hub.slug})
    # then
    assert as_member["data"] is None
    assert as_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_page_of_members_with_skills_roles_and_checks_costs_the_same_sql_for_5_or_50(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: 60 members, each with two skills, a role beyond member and a trust check
    staff = await make_person(display_name="Staff", roles=[Role.HUB_ADMIN, Role.MODERATOR])
    skills = [
        await Skill.create(hub_id=hub.id, slug=slug, name=slug.title())
        for slug in ("cooking", "driving")
    ]
    await Member.bulk_create(
        [Member(hub_id=hub.id, display_name=f"Member {n:02}") for n in range(60)]
    )
    members = await Member.filter(hub_id=hub.id, display_name__startswith="Member ")
    await MemberSkill.bulk_create(
        [MemberSkill(hub_id=hub.id, member_id=m.id, skill_id=s.id) for m in members for s in skills]
    )
    await MemberRole.bulk_create(
        [MemberRole(hub_id=hub.id, member_id=m.id, role=Role.COORDINATOR) for m in members]
    )
    await TrustCheck.bulk_create(
        [
            TrustCheck(hub_id=hub.id, member_id=m.id, kind=CheckKind.DBS_BASIC, reference="R")
            for m in members
        ]
    )
    # when (the token seen before, as an app's is: no statement to authenticate)
    await auth.authenticate(staff.token)
    counts = {}
    for first in (5, 50):
        with count_sql() as sql:
            data = await gql(MEMBERS_WITH_RELATIONS, {"first": first}, as_=staff)
        counts[first] = len(sql.statements)
        # then: every member came back with their skills, roles and checks
        edges = data["members"]["edges"]
        assert len(edges) == first
        assert edges[1]["node"] == {
            "displayName": "Member 00",
            "skills": [
                {"slug": "cooking", "name": "Cooking"},
                {"slug": "driving", "name": "Driving"},
            ],
            "roles": ["COORDINATOR"],
            "trustChecks": [{"kind": "DBS_BASIC", "status": "PENDING"}],
        }
    # then: the same statements for both: members, skills, roles, checks, and the audit rows
    # of a moderator reading others' checks (one insert, app/audit/service.py)
    assert counts[5] == counts[50] == 5, counts
