"""The skills taxonomy (createSkill, updateSkill, skills) and members' own skills (setMySkills)."""

import asyncio
from typing import Any

from app.audit.models import AuditEvent
from app.organisations import service as organisations
from app.people.models import MemberSkill, Skill
from tests.people.conftest import actor_of, gid, snapshot

CREATE_SKILL = """
mutation CreateSkill($input: CreateSkillInput!) {
  createSkill(input: $input) { skill { id slug name category } errors { code field message } }
}"""
UPDATE_SKILL = """
mutation UpdateSkill($input: UpdateSkillInput!) {
  updateSkill(input: $input) { skill { id slug name category } errors { code field message } }
}"""
SKILLS = """
query Skills($first: Int, $after: String, $category: String) {
  skills(first: $first, after: $after, category: $category) {
    edges { cursor node { slug name category } }
    pageInfo { hasNextPage endCursor }
  }
}"""
SET_MY_SKILLS = """
mutation SetMySkills($input: SetMySkillsInput!) {
  setMySkills(input: $input) { member { id skills { slug } } errors { code field message } }
}"""
MY_SKILLS = "query { viewer { skills { slug } } }"


async def _taxonomy(hub: Any) -> list[Skill]:
    """Four skills, made directly (the taxonomy is not what these tests are about)."""
    return [
        await Skill.create(hub_id=hub.id, slug=slug, name=name, category=category)
        for slug, name, category in (
            ("cooking", "Cooking", "food"),
            ("driving", "Driving", "transport"),
            ("first-aid", "First aid", "care"),
            ("gardening", "Gardening", "outdoors"),
        )
    ]


async def test_a_hub_admin_creates_skills(gql: Any, hub: Any, admin: Any) -> None:
    # when
    data = await gql(
        CREATE_SKILL, {"input": {"name": " First Aid ", "category": "Care"}}, as_=admin
    )
    # then: slug and category are derived from what was typed
    payload = data["createSkill"]
    assert payload["errors"] == []
    row = await Skill.get(hub_id=hub.id, slug="first-aid")
    assert payload["skill"] == {
        "id": gid("Skill", row.id),
        "slug": "first-aid",
        "name": "First Aid",
        "category": "care",
    }
    assert (await AuditEvent.get(action="skill.create", object_id=row.id)).actor_id == (
        admin.member.id
    )
    # when: an explicit slug, and the default category
    data = await gql(CREATE_SKILL, {"input": {"name": "DIY", "slug": "repairs"}}, as_=admin)
    # then
    assert data["createSkill"]["skill"]["slug"] == "repairs"
    assert data["createSkill"]["skill"]["category"] == "general"


async def test_a_plain_member_cannot_create_or_update_skills(
    gql: Any, hub: Any, alice: Any
) -> None:
    # given
    [cooking, *_] = await _taxonomy(hub)
    # when
    created = await gql(CREATE_SKILL, {"input": {"name": "Knitting"}}, as_=alice)
    updated = await gql(
        UPDATE_SKILL, {"input": {"skillId": gid("Skill", cooking.id), "name": "Baking"}}, as_=alice
    )
    # then
    for payload in (created["createSkill"], updated["updateSkill"]):
        assert payload["skill"] is None
        assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert not await Skill.exists(hub_id=hub.id, slug="knitting")
    assert (await Skill.get(id=cooking.id)).name == "Cooking"


async def test_a_slug_is_unique_in_the_hub(gql: Any, hub: Any, other_hub: Any, admin: Any) -> None:
    # given
    await Skill.create(hub_id=other_hub.id, slug="first-aid", name="First aid")
    first = await gql(CREATE_SKILL, {"input": {"name": "First aid"}}, as_=admin)
    assert first["createSkill"]["errors"] == []  # the other hub's skill is no obstacle
    # when: the same slug again, derived or given
    for variables in ({"name": "First  AID"}, {"name": "Emergency care", "slug": "first-aid"}):
        data = await gql(CREATE_SKILL, {"input": variables}, as_=admin)
        # then
        assert [(e["code"], e["field"]) for e in data["createSkill"]["errors"]] == [
            ("DUPLICATE", "slug")
        ]
    assert await Skill.filter(hub_id=hub.id).count() == 1


async def test_bad_skill_input_is_refused(gql: Any, hub: Any, admin: Any) -> None:
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "Cooking", "slug": "Not A Slug"}, "slug"),
        ({"name": "!!!"}, "slug"),
        ({"name": "Cooking", "category": ""}, "category"),
        ({"name": "Cooking", "category": "???"}, "category"),
    ]
    for variables, field in cases:
        data = await gql(CREATE_SKILL, {"input": variables}, as_=admin)
        assert [(e["code"], e["field"]) for e in data["createSkill"]["errors"]] == [
            ("INVALID", field)
        ], variables
    assert not await Skill.exists(hub_id=hub.id)


async def test_a_hub_admin_renames_and_refiles_a_skill(gql: Any, hub: Any, admin: Any) -> None:
    # given
    [cooking, *_] = await _taxonomy(hub)
    skill_id = gid("Skill", cooking.id)
    # when
    data = await gql(
        UPDATE_SKILL,
        {"input": {"skillId": skill_id, "name": "Cooking & baking", "category": "Food and drink"}},
        as_=admin,
    )
    # then: the slug stays, so links and saved searches keep working
    assert data["updateSkill"] == {
        "skill": {
            "id": skill_id,
            "slug": "cooking",
            "name": "Cooking & baking",
            "category": "food-and-drink",
        },
        "errors": [],
    }
    # when: only the category changes
    data = await gql(UPDATE_SKILL, {"input": {"skillId": skill_id, "category": "food"}}, as_=admin)
    # then
    assert data["updateSkill"]["skill"]["name"] == "Cooking & baking"
    # when: bad values, an unknown skill, a wrong-type id
    refused = [
        ({"skillId": skill_id, "name": ""}, ("INVALID", "name")),
        ({"skillId": skill_id, "category": "--"}, ("INVALID", "category")),
        ({"skillId": gid("Skill", 10**9), "name": "X"}, ("NOT_FOUND", "skillId")),
        ({"skillId": admin.gid, "name": "X"}, ("INVALID", "skillId")),
    ]
    for variables, error in refused:
        data = await gql(UPDATE_SKILL, {"input": variables}, as_=admin)
        # then
        assert [(e["code"], e["field"]) for e in data["updateSkill"]["errors"]] == [error]
    row = await Skill.get(id=cooking.id)
    assert (row.name, row.category) == ("Cooking & baking", "food")


async def test_the_taxonomy_is_readable_by_members_and_anonymously_in_the_hub(
    gql: Any, hub: Any, other_hub: Any, alice: Any
) -> None:
    # given
    await _taxonomy(hub)
    await Skill.create(hub_id=other_hub.id, slug="welding", name="Welding")
    # when: signed in, or anonymous with the hub's header
    for auth in ({"as_": alice}, {"headers": {"CH-Hub": hub.slug}}):
        data = await gql(SKILLS, {"first": 10}, **auth)
        # then: this hub's skills, by name
        assert [e["node"]["slug"] for e in data["skills"]["edges"]] == [
            "cooking",
            "driving",
            "first-aid",
            "gardening",
        ]
    # when: anonymous without a hub
    data = await gql(SKILLS, {"first": 10})
    # then: there is no hub to list
    assert data["skills"]["edges"] == []


async def test_the_taxonomy_pages_and_filters_by_category(gql: Any, hub: Any, alice: Any) -> None:
    # given
    await _taxonomy(hub)
    await Skill.create(hub_id=hub.id, slug="baking", name="Baking", category="food")
    # when: page by page
    first = (await gql(SKILLS, {"first": 3}, as_=alice))["skills"]
    rest = (await gql(SKILLS, {"first": 3, "after": first["pageInfo"]["endCursor"]}, as_=alice))[
        "skills"
    ]
    # then
    assert [e["node"]["slug"] for e in first["edges"]] == ["baking", "cooking", "driving"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["slug"] for e in rest["edges"]] == ["first-aid", "gardening"]
    assert rest["pageInfo"]["hasNextPage"] is False
    # when: one category
    food = (await gql(SKILLS, {"first": 10, "category": "food"}, as_=alice))["skills"]
    # then
    assert [e["node"] for e in food["edges"]] == [
        {"slug": "baking", "name": "Baking", "category": "food"},
        {"slug": "cooking", "name": "Cooking", "category": "food"},
    ]
    # when: a cursor that is not one
    body = await gql.raw(SKILLS, {"first": 3, "after": "nonsense"}, as_=alice)
    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_set_my_skills_replaces_the_list(gql: Any, hub: Any, alice: Any, bob: Any) -> None:
    # given
    cooking, driving, first_aid, _ = await _taxonomy(hub)
    await MemberSkill.create(hub_id=hub.id, member_id=bob.member.id, skill_id=cooking.id)
    # when
    ids = [gid("Skill", s.id) for s in (first_aid, cooking, first_aid)]
    data = await gql(SET_MY_SKILLS, {"input": {"skillIds": ids}}, as_=alice)
    # then: duplicates collapse; sorted by name
    assert data["setMySkills"] == {
        "member": {"id": alice.gid, "skills": [{"slug": "cooking"}, {"slug": "first-aid"}]},
        "errors": [],
    }
    # when: replaced by another list
    data = await gql(SET_MY_SKILLS, {"input": {"skillIds": [gid("Skill", driving.id)]}}, as_=alice)
    # then
    assert data["setMySkills"]["member"]["skills"] == [{"slug": "driving"}]
    assert (await gql(MY_SKILLS, as_=alice))["viewer"]["skills"] == [{"slug": "driving"}]
    # when: emptied
    data = await gql(SET_MY_SKILLS, {"input": {"skillIds": []}}, as_=alice)
    # then: alice has none; bob's are untouched
    assert data["setMySkills"]["member"]["skills"] == []
    assert not await MemberSkill.exists(member_id=alice.member.id)
    assert await MemberSkill.filter(member_id=bob.member.id).count() == 1


async def test_set_my_skills_refuses_ids_that_are_not_this_hubs_skills(
    gql: Any, hub: Any, other_hub: Any, alice: Any
) -> None:
    # given
    cooking, *_ = await _taxonomy(hub)
    ours = gid("Skill", cooking.id)
    await gql(SET_MY_SKILLS, {"input": {"skillIds": [ours]}}, as_=alice)
    foreign = await Skill.create(hub_id=other_hub.id, slug="welding", name="Welding")
    charity = await organisations.create_organisation(
        actor=await actor_of(alice), name="Food Bank", kind="charity"
    )
    bad_ids = [
        gid("Skill", foreign.id),  # another hub's skill
        gid("Skill", 10**9),  # no such skill
        gid("Organisation", charity.id),  # global ids of other types
        gid("Hub", hub.id),
        alice.gid,
        gid("Skill", "one"),  # not a number inside
        "not-a-global-id",
    ]
    before = await snapshot(hub.id)
    for bad in bad_ids:
        # when: alongside a good id
        data = await gql(SET_MY_SKILLS, {"input": {"skillIds": [ours, bad]}}, as_=alice)
        # then
        payload = data["setMySkills"]
        assert payload["member"] is None, bad
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", "skillIds")]
    # and: alice keeps the skill she had; nothing was written
    assert await snapshot(hub.id) == before


async def test_set_my_skills_takes_at_most_50(gql: Any, hub: Any, alice: Any) -> None:
    # given
    await Skill.bulk_create(
        [Skill(hub_id=hub.id, slug=f"skill-{n}", name=f"Skill {n:02}") for n in range(51)]
    )
    ids = [gid("Skill", s.id) for s in await Skill.filter(hub_id=hub.id).order_by("id")]
    # when
    too_many = await gql(SET_MY_SKILLS, {"input": {"skillIds": ids}}, as_=alice)
    enough = await gql(SET_MY_SKILLS, {"input": {"skillIds": ids[:50]}}, as_=alice)
    # then
    assert [(e["code"], e["field"]) for e in too_many["setMySkills"]["errors"]] == [
        ("INVALID", "skillIds")
    ]
    assert len(enough["setMySkills"]["member"]["skills"]) == 50
    event = await AuditEvent.get(action="member.set_skills", actor_id=alice.member.id)
    assert len(event.data["skills"]) == 50


async def test_set_my_skills_at_the_same_time_leaves_one_of_the_lists(
    gql: Any, hub: Any, alice: Any
) -> None:
    # given: four overlapping lists, sent at once
    skills = await _taxonomy(hub)
    lists = [[gid("Skill", s.id) for s in skills[n:]] for n in range(4)]
    # when
    bodies = await asyncio.gather(
        *(gql.raw(SET_MY_SKILLS, {"input": {"skillIds": ids}}, as_=alice) for ids in lists)
    )
    # then: every request succeeded, and the last one to commit won whole
    assert all("errors" not in b and b["data"]["setMySkills"]["errors"] == [] for b in bodies)
    held = set(
        await MemberSkill.filter(member_id=alice.member.id).values_list("skill_id", flat=True)
    )
    assert held in [{s.id for s in skills[n:]} for n in range(4)]


async def test_set_my_skills_needs_a_signed_in_member(gql: Any, hub: Any) -> None:
    body = await gql.raw(SET_MY_SKILLS, {"input": {"skillIds": []}}, headers={"CH-Hub": hub.slug})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
