"""The badge API through HTTP: bad rules, awarding twice, revoking one never awarded and a
story about someone else's work come back as typed errors with nothing written; your awards
list costs the same statements for 5 awards as for 40; the portfolio query, standings and the
opt-in leaderboard."""

from typing import Any

from app.badges import awards
from app.badges.models import Award, BadgeClass, SuccessStory
from app.organisations import service as organisations
from app.people.models import Role
from tests.badges.conftest import Records, actor_of, gid
from tests.helpers import count_sql

CREATE = """
mutation Create($input: CreateBadgeClassInput!) {
  createBadgeClass(input: $input) {
    badgeClass { id name metric threshold points openBadgeUrl }
    errors { code field message }
  }
}"""
LEVEL = """
mutation Level($input: CreateBadgeLevelInput!) {
  createBadgeLevel(input: $input) { level { name minPoints } errors { code field message } }
}"""
LEVELS = """query Levels { badgeLevels { name minPoints } }"""
AWARD = """
mutation Award($input: AwardBadgeInput!) {
  awardBadge(input: $input) {
    award { id badgeClass { slug } member { displayName } assertionUrl }
    errors { code field message }
  }
}"""
REVOKE = """
mutation Revoke($input: RevokeBadgeInput!) {
  revokeBadge(input: $input) {
    award { id revokedAt revocationReason }
    errors { code field message }
  }
}"""
STORY = """
mutation Story($input: SubmitSuccessStoryInput!) {
  submitSuccessStory(input: $input) {
    story { id status }
    errors { code field message }
  }
}"""
MY_AWARDS = """
query Mine($first: Int!) {
  myBadgeAwards(first: $first) {
    edges { node { id awardedAt assertionUrl bakedImageUrl
                   badgeClass { name points imageUrl } member { displayName } } }
  }
  myBadgeStanding { points level nextLevel nextLevelPoints }
}"""
OPT_IN = """
mutation OptIn($input: SetLeaderboardOptInInput!) {
  setLeaderboardOptIn(input: $input) { optedIn errors { code message } }
}"""
PORTFOLIO = """
query Portfolio {
  portfolio {
    totalMinutes points level
    badges { name points awardedAt assertionUrl bakedImageUrl }
    impact { total { shares kilogramsDiverted } }
  }
}"""
BOARD = """
query Board { leaderboard(period: ALL_TIME) { rank displayName points badges } }"""


async def test_bad_rules_are_typed_errors_and_write_nothing(gql: Any, hub: Any, admin: Any) -> None:
    before = await BadgeClass.filter(hub_id=hub.id).count()
    data = await gql(
        CREATE,
        {"input": {"name": "Karma", "description": "?", "metric": "karma", "threshold": -5}},
        as_=admin,
    )
    payload = data["createBadgeClass"]
    assert payload["badgeClass"] is None
    assert sorted((e["code"], e["field"]) for e in payload["errors"]) == [
        ("NEGATIVE_THRESHOLD", "threshold"),
        ("UNKNOWN_METRIC", "metric"),
    ]
    assert await BadgeClass.filter(hub_id=hub.id).count() == before
    # and a good one goes through
    good = await gql(
        CREATE,
        {"input": {"name": "Gardener", "description": "20 hours.", "metric": "verified_hours",
                   "threshold": 20, "points": 25}},
        as_=admin,
    )  # fmt: skip
    assert good["createBadgeClass"]["errors"] == []
    assert good["createBadgeClass"]["badgeClass"]["openBadgeUrl"].endswith(".json")


async def test_a_member_cannot_define_badges(gql: Any, hub: Any, alice: Any) -> None:
    data = await gql(
        CREATE,
        {"input": {"name": "Mine", "description": "x", "metric": "verified_hours",
                   "threshold": 1}},
        as_=alice,
    )  # fmt: skip
    assert [e["code"] for e in data["createBadgeClass"]["errors"]] == ["FORBIDDEN"]


async def test_awarding_twice_and_revoking_one_never_awarded_are_typed_errors(
    gql: Any, hub: Any, admin: Any, alice: Any
) -> None:
    host = await BadgeClass.get(hub_id=hub.id, slug="host")
    given = {"badgeClassId": gid("BadgeClass", host.id), "memberId": alice.gid}
    revoke = await gql(REVOKE, {"input": given | {"reason": "Oops"}}, as_=admin)
    assert [e["code"] for e in revoke["revokeBadge"]["errors"]] == ["NOT_AWARDED"]
    first = await gql(AWARD, {"input": given}, as_=admin)
    assert first["awardBadge"]["errors"] == []
    assert first["awardBadge"]["award"]["member"]["displayName"] == "Alice"
    second = await gql(AWARD, {"input": given}, as_=admin)
    assert [e["code"] for e in second["awardBadge"]["errors"]] == ["ALREADY_AWARDED"]
    assert await Award.filter(badge_class_id=host.id).count() == 1
    revoked = await gql(REVOKE, {"input": given | {"reason": "Given by mistake"}}, as_=admin)
    assert revoked["revokeBadge"]["award"]["revocationReason"] == "Given by mistake"


async def test_a_story_about_someone_elses_work_is_a_typed_error(
    gql: Any, hub: Any, admin: Any, alice: Any, records: Records
) -> None:
    mine = await organisations.create_organisation(
        actor=actor_of(alice), name="Alice's club", kind="charity"
    )
    theirs = await organisations.create_organisation(
        actor=actor_of(admin), name="Admin's club", kind="charity"
    )
    other = await records.opportunity(organisation_id=theirs.id)
    await records.hours(admin, 60, opportunity=other)
    data = await gql(
        STORY,
        {"input": {"organisationId": gid("Organisation", mine.id), "title": "We did it",
                   "body": "Look.", "opportunityId": gid("Opportunity", other.id)}},
        as_=alice,
    )  # fmt: skip
    assert [(e["code"], e["field"]) for e in data["submitSuccessStory"]["errors"]] == [
        ("NOT_YOUR_WORK", "opportunityId")
    ]
    assert not await SuccessStory.filter(hub_id=hub.id).exists()


async def test_your_awards_cost_the_same_statements_for_5_and_40(
    gql: Any, hub: Any, admin: Any, alice: Any, badge: Any
) -> None:
    ada = actor_of(admin, Role.HUB_ADMIN)
    made = [await badge("verified_hours", 100_000 + i, points=5) for i in range(40)]
    for b in made:
        await awards.award_by_hand(actor=ada, badge_class_id=b.id, member_id=alice.member.id)
    await gql(MY_AWARDS, {"first": 1}, as_=alice)  # warms the caller's caches

    async def statements(first: int) -> tuple[int, Any]:
        with count_sql() as counter:
            data = await gql(MY_AWARDS, {"first": first}, as_=alice)
        return len(counter.statements), data

    n5, five = await statements(5)
    n40, forty = await statements(40)
    assert len(five["myBadgeAwards"]["edges"]) == 5
    assert len(forty["myBadgeAwards"]["edges"]) == 40
    assert n5 == n40, (n5, n40)
    assert forty["myBadgeStanding"]["points"] == 200
    assert forty["myBadgeStanding"]["level"] == "Contributor"


async def test_only_members_who_opt_in_are_on_the_leaderboard(
    gql: Any, hub: Any, admin: Any, alice: Any, make_person: Any
) -> None:
    bob = await make_person(display_name="Bob")
    ada = actor_of(admin, Role.HUB_ADMIN)
    for person in (alice, bob):
        first = await BadgeClass.get(hub_id=hub.id, slug="campaign-backer")
        await awards.award_by_hand(actor=ada, badge_class_id=first.id, member_id=person.member.id)
    assert (await gql(BOARD, as_=alice))["leaderboard"] == []
    opted = await gql(OPT_IN, {"input": {"optedIn": True}}, as_=bob)
    assert opted["setLeaderboardOptIn"]["optedIn"] is True
    assert (await gql(BOARD, as_=alice))["leaderboard"] == [
        {"rank": 1, "displayName": "Bob", "points": 10, "badges": 1}
    ]


async def test_the_portfolio_shows_badges_level_and_impact(
    gql: Any, hub: Any, alice: Any, records: Records, make_person: Any
) -> None:
    # given: Alice's first verified hour (the default "First hours", 10 points) and a 30 kg
    # giveaway she received
    await records.hours(alice, 60)
    await records.share("giveaway", owner=await make_person(), to=alice, diverted_g=30_000)
    await awards.award_by_rule(await BadgeClass.get(hub_id=hub.id, slug="first-hours"))
    award = await Award.get(member_id=alice.member.id)
    # when: she reads her portfolio
    data = (await gql(PORTFOLIO, as_=alice))["portfolio"]
    # then
    assert (data["totalMinutes"], data["points"], data["level"]) == (60, 10, "Newcomer")
    [badge] = data["badges"]
    assert badge["name"] == "First hours" and badge["points"] == 10
    assert badge["assertionUrl"] == f"http://testserver/badges/assertions/{award.uid}.json"
    assert data["impact"]["total"] == {"shares": 1, "kilogramsDiverted": 30.0}


async def test_hub_admins_add_levels_and_bad_ones_are_typed_errors(
    gql: Any, hub: Any, admin: Any
) -> None:
    made = await gql(LEVEL, {"input": {"name": "Legend", "minPoints": 1000}}, as_=admin)
    assert made["createBadgeLevel"] == {
        "level": {"name": "Legend", "minPoints": 1000},
        "errors": [],
    }
    negative = await gql(LEVEL, {"input": {"name": "Below", "minPoints": -1}}, as_=admin)
    again = await gql(LEVEL, {"input": {"name": "Legend", "minPoints": 2000}}, as_=admin)
    assert [e["code"] for e in negative["createBadgeLevel"]["errors"]] == ["NEGATIVE_THRESHOLD"]
    assert [e["code"] for e in again["createBadgeLevel"]["errors"]] == ["DUPLICATE_NAME"]
    levels = (await gql(LEVELS, headers={"CH-Hub": hub.slug}))["badgeLevels"]
    assert [lv["name"] for lv in levels] == [
        "Newcomer", "Helper", "Contributor", "Champion", "Hero", "Legend"
    ]  # fmt: skip
