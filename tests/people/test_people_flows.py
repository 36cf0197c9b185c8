"""Profiles, skills, trust checks, roles and proxy members, through GraphQL."""

from datetime import date, timedelta
from typing import Any

from strawberry import relay

from app.audit.models import AuditEvent
from app.people.models import CheckStatus, Member, MemberSkill, Role, Skill, TrustCheck
from schema.relay import encode_id
from tests.helpers import count_sql

UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    member { displayName bio interests travelKm areaCell homeLocation { lat lng } dateOfBirth
             availability { weekday from to } notificationPreferences { email digest quietFrom quietTo } }
    errors { code field message }
  }
}"""
MEMBER = """query($id: ID!) { node(id: $id) { ... on Member {
  displayName areaCell homeLocation { lat } dateOfBirth email roles trustChecks { kind } skills { slug }
} } }"""
CREATE_SKILL = """
mutation($input: CreateSkillInput!) { createSkill(input: $input) { skill { id slug name category } errors { code field message } } }"""
SET_SKILLS = """
mutation($input: SetMySkillsInput!) { setMySkills(input: $input) { member { skills { slug } } errors { code field message } } }"""
SKILLS = "{ skills(first: 10) { edges { node { slug } } } }"
SUBMIT_CHECK = """
mutation($input: SubmitTrustCheckInput!) { submitTrustCheck(input: $input) { trustCheck { id status kind } errors { code field message } } }"""
REVIEW_CHECK = """
mutation($input: ReviewTrustCheckInput!) { reviewTrustCheck(input: $input) { trustCheck { status } errors { code field message } } }"""
PENDING = "{ pendingTrustChecks(first: 10) { edges { node { kind member { displayName } } } } }"
GRANT = """mutation($input: GrantRoleInput!) { grantRole(input: $input) { member { roles } errors { code } } }"""
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { member { id } errors { code field } } }"""
CREATE_PROXY = """
mutation($input: CreateProxyMemberInput!) { createProxyMember(input: $input) { member { id isProxy displayName } errors { code } } }"""
SET_LINK = """
mutation($input: SetProxyLinkInput!) { setProxyLink(input: $input) { member { id } errors { code field } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def test_update_every_profile_field_and_privacy(
    gql: Any, alice: Any, make_person: Any
) -> None:
    # when
    data = await gql(
        UPDATE_PROFILE,
        {
            "input": {
                "displayName": "Alice A.",
                "bio": "Retired nurse.\nLoves gardens.",
                "interests": ["Gardening", "gardening", "Food"],
                "travelKm": 8,
                "homeLocation": {"lat": 53.4794, "lng": -2.2453},
                "dateOfBirth": "1960-05-04",
                "availability": [{"weekday": 6, "from": "09:00", "to": "12:00"}],
                "notificationPreferences": {
                    "email": False,
                    "digest": "weekly",
                    "quietFrom": "22:00",
                    "quietTo": "07:00",
                },
            }
        },
        as_=alice,
    )
    # then
    member = data["updateProfile"]["member"]
    assert data["updateProfile"]["errors"] == []
    assert member["interests"] == ["gardening", "food"]
    assert member["homeLocation"] == {"lat": 53.4794, "lng": -2.2453}
    assert member["areaCell"] and member["dateOfBirth"] == "1960-05-04"
    assert member["availability"] == [{"weekday": 6, "from": "09:00", "to": "12:00"}]
    assert member["notificationPreferences"] == {
        "email": False,
        "digest": "weekly",
        "quietFrom": "22:00",
        "quietTo": "07:00",
    }
    # when: a partial update keeps the rest; null clears the home
    partial = await gql(UPDATE_PROFILE, {"input": {"bio": "Still gardening."}}, as_=alice)
    assert partial["updateProfile"]["member"]["travelKm"] == 8
    cleared = await gql(UPDATE_PROFILE, {"input": {"homeLocation": None}}, as_=alice)
    assert cleared["updateProfile"]["member"]["homeLocation"] is None
    # and another member sees the coarse area only, never the private fields
    await gql(UPDATE_PROFILE, {"input": {"homeLocation": {"lat": 53.48, "lng": -2.24}}}, as_=alice)
    bob = await make_person()
    seen = (await gql(MEMBER, {"id": alice.gid}, as_=bob))["node"]
    assert seen["areaCell"] and seen["homeLocation"] is None and seen["dateOfBirth"] is None
    assert seen["email"] is None and seen["roles"] is None and seen["trustChecks"] is None


async def test_bad_profile_input_is_typed_and_writes_nothing(gql: Any, alice: Any) -> None:
    cases = [
        ({"displayName": "x" * 81}, "displayName"),
        ({"bio": "x" * 2001}, "bio"),
        ({"interests": [f"i{n}" for n in range(21)]}, "interests"),
        ({"homeLocation": {"lat": 95, "lng": 0}}, "homeLocation"),
        ({"travelKm": 500}, "travelKm"),
        ({"availability": [{"weekday": 8, "from": "09:00", "to": "10:00"}]}, "availability"),
        ({"availability": [{"weekday": 1, "from": "9am", "to": "10:00"}]}, "availability"),
        ({"availability": [{"weekday": 1, "from": "11:00", "to": "10:00"}]}, "availability"),
        ({"dateOfBirth": (date.today() + timedelta(days=1)).isoformat()}, "dateOfBirth"),
        ({"dateOfBirth": (date.today() - timedelta(days=365 * 10)).isoformat()}, "dateOfBirth"),
        ({"notificationPreferences": {"digest": "hourly"}}, "notificationPreferences"),
    ]
    before = await Member.get(id=alice.member.id)
    for variables, field in cases:
        data = await gql(UPDATE_PROFILE, {"input": variables}, as_=alice)
        errors = data["updateProfile"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", field)], variables
    after = await Member.get(id=alice.member.id)
    assert (after.display_name, after.bio, after.travel_km, after.availability) == (
        before.display_name,
        before.bio,
        before.travel_km,
        before.availability,
    )


async def test_skills_taxonomy_and_member_skills(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any
) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    refused = await gql(CREATE_SKILL, {"input": {"name": "Cooking"}}, as_=alice)
    assert refused["createSkill"]["errors"][0]["code"] == "FORBIDDEN"
    created = (
        await gql(CREATE_SKILL, {"input": {"name": "First Aid", "category": "Care"}}, as_=admin)
    )["createSkill"]
    assert created["skill"]["slug"] == "first-aid" and created["skill"]["category"] == "care"
    duplicate = await gql(CREATE_SKILL, {"input": {"name": "First aid"}}, as_=admin)
    assert duplicate["createSkill"]["errors"][0]["code"] == "DUPLICATE"
    # anyone can read the taxonomy in the hub, signed in or with the hub header
    assert (await gql(SKILLS, headers={"CH-Hub": hub.slug}))["skills"]["edges"] == [
        {"node": {"slug": "first-aid"}}
    ]
    assert (await gql(SKILLS, as_=alice))["skills"]["edges"] == [{"node": {"slug": "first-aid"}}]
    # members set their skills; foreign, unknown and wrong-type ids are refused
    mine = await gql(SET_SKILLS, {"input": {"skillIds": [created["skill"]["id"]]}}, as_=alice)
    assert mine["setMySkills"]["member"]["skills"] == [{"slug": "first-aid"}]
    foreign = await Skill.create(hub_id=other_hub.id, slug="x", name="X")
    for bad in (gid("Skill", foreign.id), gid("Skill", 10**9), gid("Hub", hub.id), "nonsense"):
        data = await gql(SET_SKILLS, {"input": {"skillIds": [bad]}}, as_=alice)
        assert (
            data["setMySkills"]["errors"][0]["code"],
            data["setMySkills"]["errors"][0]["field"],
        ) == ("INVALID", "skillIds")
    assert await MemberSkill.filter(member_id=alice.member.id).count() == 1


async def test_trust_checks_are_verified_by_moderators(
    gql: Any, alice: Any, make_person: Any
) -> None:
    from app.people.checks import valid_checks

    moderator = await make_person(roles=[Role.MODERATOR])
    expires = (date.today() + timedelta(days=365)).isoformat()
    past = await gql(
        SUBMIT_CHECK,
        {"input": {"kind": "DBS_ENHANCED", "reference": "001", "expiresOn": "2020-01-01"}},
        as_=alice,
    )
    assert past["submitTrustCheck"]["errors"][0]["field"] == "expiresOn"
    submitted = (
        await gql(
            SUBMIT_CHECK,
            {"input": {"kind": "DBS_ENHANCED", "reference": "001234", "expiresOn": expires}},
            as_=alice,
        )
    )["submitTrustCheck"]
    check_id = submitted["trustCheck"]["id"]
    assert submitted["trustCheck"]["status"] == "PENDING"
    # the queue is for moderators
    assert (await gql(PENDING, as_=moderator))["pendingTrustChecks"]["edges"][0]["node"][
        "kind"
    ] == "DBS_ENHANCED"
    assert (await gql.raw(PENDING, as_=alice))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # nobody reviews their own; plain members cannot review
    own = await make_person(roles=[Role.MODERATOR])
    own_check = (
        await gql(SUBMIT_CHECK, {"input": {"kind": "FIRST_AID", "reference": "FA1"}}, as_=own)
    )["submitTrustCheck"]["trustCheck"]["id"]
    assert (await gql(REVIEW_CHECK, {"input": {"checkId": own_check, "approve": True}}, as_=own))[
        "reviewTrustCheck"
    ]["errors"][0]["code"] == "OWN_CHECK"
    assert (await gql(REVIEW_CHECK, {"input": {"checkId": check_id, "approve": True}}, as_=alice))[
        "reviewTrustCheck"
    ]["errors"][0]["code"] in {"FORBIDDEN", "OWN_CHECK"}
    # a moderator verifies it, once
    ok = await gql(
        REVIEW_CHECK,
        {"input": {"checkId": check_id, "approve": True, "note": "Seen the certificate"}},
        as_=moderator,
    )
    assert ok["reviewTrustCheck"]["trustCheck"]["status"] == "VERIFIED"
    again = await gql(
        REVIEW_CHECK, {"input": {"checkId": check_id, "approve": False}}, as_=moderator
    )
    assert again["reviewTrustCheck"]["errors"][0]["code"] == "ALREADY_REVIEWED"
    # only valid (verified, in date) checks count
    held = await valid_checks(member_id=alice.member.id, hub_id=alice.member.hub_id)
    assert {c.value for c in held} == {"dbs_enhanced"}
    await TrustCheck.filter(member_id=alice.member.id).update(
        expires_on=date.today() - timedelta(days=1)
    )
    assert await valid_checks(member_id=alice.member.id, hub_id=alice.member.hub_id) == set()
    # a check is visible to its member and moderators only
    bob = await make_person()
    assert (await gql("query($id: ID!) { node(id: $id) { id } }", {"id": check_id}, as_=bob))[
        "node"
    ] is None
    assert (await gql("query($id: ID!) { node(id: $id) { id } }", {"id": check_id}, as_=moderator))[
        "node"
    ]
    assert (await TrustCheck.get(member_id=alice.member.id)).status == CheckStatus.VERIFIED


async def test_roles_are_managed_by_hub_admins(gql: Any, alice: Any, make_person: Any) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    refused = await gql(GRANT, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=alice)
    assert refused["grantRole"]["errors"][0]["code"] == "FORBIDDEN"
    granted = await gql(GRANT, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=admin)
    assert granted["grantRole"]["errors"] == []
    assert set((await gql(MEMBER, {"id": alice.gid}, as_=alice))["node"]["roles"]) == {
        "MEMBER",
        "MODERATOR",
    }
    last = await gql(REVOKE, {"input": {"memberId": admin.gid, "role": "HUB_ADMIN"}}, as_=admin)
    assert last["revokeRole"]["errors"] == [{"code": "LAST_ADMIN", "field": "memberId"}]
    assert (await gql(REVOKE, {"input": {"memberId": alice.gid, "role": "MODERATOR"}}, as_=admin))[
        "revokeRole"
    ]["errors"] == []


async def test_a_coordinator_acts_for_a_proxy_member_and_it_is_audited(
    gql: Any, hub: Any, alice: Any, make_person: Any
) -> None:
    # given
    coordinator = await make_person(roles=[Role.COORDINATOR], display_name="Coordinator")
    refused = await gql(CREATE_PROXY, {"input": {"displayName": "Edna"}}, as_=alice)
    assert refused["createProxyMember"]["errors"][0]["code"] == "FORBIDDEN"
    proxy = (await gql(CREATE_PROXY, {"input": {"displayName": "Edna"}}, as_=coordinator))[
        "createProxyMember"
    ]["member"]
    assert proxy["isProxy"] is True
    # when: the coordinator updates Edna's profile on her behalf
    acted = await gql(
        UPDATE_PROFILE,
        {"input": {"bio": "Knits for the hospice."}},
        as_=coordinator,
        headers={"CH-Act-For": proxy["id"]},
    )
    # then
    assert acted["updateProfile"]["member"]["displayName"] == "Edna"
    edna_id = int(relay.GlobalID.from_id(proxy["id"]).node_id)
    assert (await Member.get(id=edna_id)).bio == "Knits for the hospice."
    event = await AuditEvent.filter(action="member.update_profile", actor_id=edna_id).first()
    assert event is not None and event.acted_by_id == coordinator.member.id
    # and nobody else can act for her
    body = await gql.raw(
        UPDATE_PROFILE,
        {"input": {"bio": "Hijacked"}},
        as_=alice,
        headers={"CH-Act-For": proxy["id"]},
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # a hub admin links another coordinator, and can switch the link off
    admin = await make_person(roles=[Role.HUB_ADMIN])
    helper = await make_person(roles=[Role.COORDINATOR])
    link = {"coordinatorId": helper.gid, "memberId": proxy["id"]}
    assert (await gql(SET_LINK, {"input": link}, as_=admin))["setProxyLink"]["errors"] == []
    ok = await gql(
        UPDATE_PROFILE,
        {"input": {"bio": "Knits and bakes."}},
        as_=helper,
        headers={"CH-Act-For": proxy["id"]},
    )
    assert ok["updateProfile"]["errors"] == []
    await gql(SET_LINK, {"input": {**link, "active": False}}, as_=admin)
    stopped = await gql.raw(
        UPDATE_PROFILE, {"input": {"bio": "x"}}, as_=helper, headers={"CH-Act-For": proxy["id"]}
    )
    assert stopped["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


MEMBERS_PAGE = """query($n: Int!) { members(first: $n) { edges { node {
  displayName skills { name } roles rating { count average } organisations(first: 3) { edges { node { role } } }
} } } }"""


async def test_members_list_runs_a_bounded_number_of_statements(
    gql: Any, hub: Any, make_person: Any
) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    skill = await Skill.create(hub_id=hub.id, slug="diy", name="DIY")
    for n in range(50):
        member = await Member.create(hub_id=hub.id, display_name=f"Member {n}")
        await MemberSkill.create(hub_id=hub.id, member_id=member.id, skill_id=skill.id)
    counts = []
    for size in (5, 50):
        with count_sql() as counter:
            data = await gql(MEMBERS_PAGE, {"n": size}, as_=admin)
        assert len(data["members"]["edges"]) == size
        counts.append(len(counter.statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12
