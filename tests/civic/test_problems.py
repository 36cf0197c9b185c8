"""Problem reports: the hub's area, routing, who changes status, notifications, "me too"
(race-safe), near-duplicates, turning a report into an opportunity, no N+1."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from app import ids
from app.campaigns.models import Campaign
from app.civic.problems.models import ProblemFollower, ProblemReport, ProblemUpdate
from app.opportunities.models import Category, Opportunity
from tests.civic.conftest import (
    FAR,
    LIST,
    ME_TOO,
    NEAR,
    NOTIFICATIONS,
    SIMILAR,
    STATUS,
    gid,
    post_report,
)
from tests.helpers import count_sql


async def _status(gql: Any, person: Any, report_id: str, status: str, note: str = "") -> Any:
    data = await gql(
        STATUS, {"input": {"problemReportId": report_id, "status": status, "note": note}},
        as_=person,
    )  # fmt: skip
    return data["updateProblemStatus"]


async def test_a_report_goes_to_the_council_with_its_place_rounded_for_everyone_else(
    gql: Any, hub: Any, alice: Any, bob: Any, council: Any, fly_tipping: Any
) -> None:
    # when
    posted = await post_report(gql, alice, fly_tipping, address="12 Back Lane")
    # then
    assert posted["errors"] == []
    report = posted["report"]
    assert report["status"] == "OPEN" and report["organisation"] is None
    assert report["exactLocation"] == {"lat": NEAR[0], "lng": NEAR[1]}
    assert report["location"] != report["exactLocation"] and not report["exactLocationShown"]
    # the public place is within ~250 m of the exact one
    assert abs(report["location"]["lat"] - NEAR[0]) < 0.003
    anonymous = await gql(LIST, {"first": 10}, headers={"CH-Hub": hub.slug})
    [seen] = [e["node"] for e in anonymous["problemReports"]["edges"]]
    assert seen["exactLocation"] is None and seen["reporter"] is None and seen["address"] == ""
    assert seen["location"] == report["location"]
    by_bob = await gql(LIST, {"first": 10}, as_=bob)
    assert by_bob["problemReports"]["edges"][0]["node"]["exactLocation"] is None
    by_council = await gql(LIST, {"first": 10}, as_=council)
    node = by_council["problemReports"]["edges"][0]["node"]
    assert node["exactLocation"] == report["exactLocation"] and node["address"] == "12 Back Lane"
    assert node["reporter"] == {"id": alice.gid}


async def test_the_reporter_may_show_the_exact_place(
    gql: Any, hub: Any, alice: Any, fly_tipping: Any
) -> None:
    posted = await post_report(gql, alice, fly_tipping, showExactPlace=True)
    anonymous = await gql(LIST, {"first": 10}, headers={"CH-Hub": hub.slug})
    seen = anonymous["problemReports"]["edges"][0]["node"]
    assert seen["location"] == {"lat": NEAR[0], "lng": NEAR[1]}
    assert posted["report"]["exactLocationShown"] is True


async def test_a_place_outside_the_hub_is_refused_and_nothing_is_written(
    gql: Any, hub: Any, alice: Any, fly_tipping: Any
) -> None:
    # when
    posted = await post_report(gql, alice, fly_tipping, place=FAR)
    bad = await post_report(gql, alice, fly_tipping, place=(91.0, 0.0))
    # then
    assert [(e["code"], e["field"]) for e in posted["errors"]] == [("OUTSIDE_AREA", "location")]
    assert posted["report"] is None
    assert bad["errors"][0]["code"] == "INVALID"
    assert await ProblemReport.filter(hub_id=hub.id).count() == 0
    assert await ProblemFollower.filter(hub_id=hub.id).count() == 0


async def test_a_hub_without_an_area_accepts_no_report(
    gql: Any, hub: Any, alice: Any, admin: Any
) -> None:
    from app.civic.problems import categories
    from app.people.models import Role
    from tests.civic.conftest import actor_of

    category = await categories.create_category(
        actor=actor_of(admin, Role.HUB_ADMIN), slug="potholes", name="Potholes"
    )
    posted = await post_report(gql, alice, category)
    assert posted["errors"][0]["code"] == "NO_AREA"


async def test_with_wards_the_area_is_the_wards(
    gql: Any, hub: Any, alice: Any, fly_tipping: Any
) -> None:
    import h3

    from app.citydata.models import CityWard

    inside = h3.latlng_to_cell(*NEAR, 7)
    await CityWard.create(hub_id=hub.id, name="Ancoats", code="E1", geometry={}, cells=[inside])
    ok = await post_report(gql, alice, fly_tipping, place=NEAR)
    # 10 km away: inside the circle, outside the wards
    outside = await post_report(gql, alice, fly_tipping, place=(53.57, -2.2426))
    assert ok["errors"] == []
    assert outside["errors"][0]["code"] == "OUTSIDE_AREA"


async def test_a_category_an_organisation_takes_goes_to_it_and_only_it_changes_the_status(
    gql: Any,
    hub: Any,
    alice: Any,
    bob: Any,
    council: Any,
    admin: Any,
    lights_company: Any,
    street_light: Any,
) -> None:
    # given
    posted = await post_report(gql, alice, street_light)
    report = posted["report"]
    assert report["organisation"] == {"id": gid("Organisation", lights_company.id)}
    # when: the council, the reporter, a stranger and a hub admin try
    refused = [
        await _status(gql, person, report["id"], "CONFIRMED")
        for person in (council, alice, bob, admin)
    ]
    # then
    assert {r["errors"][0]["code"] for r in refused} == {"FORBIDDEN"}
    assert await ProblemUpdate.filter(hub_id=hub.id).count() == 0
    done = await _status(gql, lights_company.staff, report["id"], "CONFIRMED")
    assert done["errors"] == [] and done["report"]["status"] == "CONFIRMED"


async def test_the_council_moves_its_report_along_and_followers_are_told(
    gql: Any, hub: Any, alice: Any, bob: Any, council: Any, fly_tipping: Any
) -> None:
    # given
    report = (await post_report(gql, alice, fly_tipping))["report"]
    me_too = await gql(ME_TOO, {"input": {"problemReportId": report["id"]}}, as_=bob)
    assert me_too["meTooProblem"]["errors"] == [], me_too
    assert me_too["meTooProblem"]["report"]["meTooCount"] == 1
    # when
    for status in ("CONFIRMED", "IN_PROGRESS", "FIXED"):
        answer = await _status(gql, council, report["id"], status, note=f"now {status}")
        assert answer["errors"] == [], answer
    no_reason = await _status(gql, council, report["id"], "CLOSED")
    closed = await _status(gql, council, report["id"], "CLOSED", note="Cleared on Tuesday")
    reopened = await _status(gql, council, report["id"], "OPEN", note="again")
    # then
    assert no_reason["errors"][0]["code"] == "REASON_REQUIRED"
    assert closed["report"]["closeReason"] == "Cleared on Tuesday"
    assert closed["report"]["fixedAt"] is not None
    assert [u["status"] for u in closed["report"]["updates"]] == [
        "CONFIRMED",
        "IN_PROGRESS",
        "FIXED",
        "CLOSED",
    ]
    assert reopened["errors"][0]["code"] == "BAD_TRANSITION"
    for person in (alice, bob):
        told = await gql(NOTIFICATIONS, as_=person)
        kinds = [e["node"]["kind"] for e in told["notifications"]["edges"]]
        assert kinds.count("PROBLEM_UPDATE") == 4, kinds
    council_told = await gql(NOTIFICATIONS, as_=council)
    assert council_told["notifications"]["edges"] == []


async def test_me_too_is_once_per_member_and_not_on_your_own_report(
    gql: Any, alice: Any, bob: Any, fly_tipping: Any
) -> None:
    report = (await post_report(gql, alice, fly_tipping))["report"]
    first = await gql(ME_TOO, {"input": {"problemReportId": report["id"]}}, as_=bob)
    second = await gql(ME_TOO, {"input": {"problemReportId": report["id"]}}, as_=bob)
    own = await gql(ME_TOO, {"input": {"problemReportId": report["id"]}}, as_=alice)
    assert first["meTooProblem"]["report"]["meTooCount"] == 1
    assert second["meTooProblem"]["errors"][0]["code"] == "ALREADY_DONE"
    assert own["meTooProblem"]["errors"][0]["code"] == "OWN_REPORT"


async def test_concurrent_me_too_clicks_count_once_per_member(
    gql: Any, hub: Any, alice: Any, make_person: Any, fly_tipping: Any
) -> None:
    # given
    report = (await post_report(gql, alice, fly_tipping))["report"]
    others = [await make_person() for _ in range(4)]
    clicks = [others[0]] * 8 + others[1:] * 2  # 8 races of one member, 2 each of three more
    # when
    answers = await asyncio.gather(
        *(gql(ME_TOO, {"input": {"problemReportId": report["id"]}}, as_=p) for p in clicks)
    )
    # then
    ok = [a for a in answers if a["meTooProblem"]["errors"] == []]
    assert len(ok) == 4
    assert {a["meTooProblem"]["errors"][0]["code"] for a in answers if a not in ok} == {
        "ALREADY_DONE"
    }
    row = await ProblemReport.get(hub_id=hub.id)
    assert row.me_too_count == 4
    assert await ProblemFollower.filter(report_id=row.id, me_too=True).count() == 4


async def test_similar_problems_are_the_same_category_nearby_this_week(
    gql: Any, hub: Any, alice: Any, bob: Any, fly_tipping: Any, street_light: Any
) -> None:
    # given
    near = (await post_report(gql, alice, fly_tipping))["report"]
    await post_report(gql, alice, street_light)  # another category
    await post_report(gql, alice, fly_tipping, place=(53.50, -2.2426))  # 2 km away
    old = (await post_report(gql, alice, fly_tipping))["report"]
    from app import ids

    await ProblemReport.filter(id=ids.pk_of(old["id"], "ProblemReport")).update(
        created_at=datetime.now(UTC) - timedelta(days=8)
    )
    # when
    found = await gql(
        SIMILAR, {"c": gid("ProblemCategory", fly_tipping.id), "lat": 53.4811, "lng": -2.2421},
        as_=bob,
    )  # fmt: skip
    # then
    assert [r["id"] for r in found["similarProblems"]] == [near["id"]]


async def test_the_responsible_body_turns_a_report_into_an_opportunity_once(
    gql: Any, hub: Any, alice: Any, council: Any, fly_tipping: Any
) -> None:
    # given
    report = (await post_report(gql, alice, fly_tipping))["report"]
    category = await Category.create(hub_id=hub.id, slug="litter-picks", name="Litter picks")
    doc = """mutation($input: ProblemToOpportunityInput!) { problemToOpportunity(input: $input) {
      report { id opportunity { id title status } } errors { code field message } } }"""
    value = {
        "problemReportId": report["id"],
        "categoryId": gid("Category", category.id),
        "title": "Litter pick on Back Lane",
        "startsAt": (datetime.now(UTC) + timedelta(days=5)).isoformat(),
        "places": 8,
    }
    # when
    by_reporter = await gql(doc, {"input": value}, as_=alice)
    done = await gql(doc, {"input": value}, as_=council)
    again = await gql(doc, {"input": value}, as_=council)
    # then
    assert by_reporter["problemToOpportunity"]["errors"][0]["code"] == "FORBIDDEN"
    opportunity = done["problemToOpportunity"]["report"]["opportunity"]
    assert opportunity["title"] == "Litter pick on Back Lane"
    assert opportunity["status"] == "PUBLISHED"
    assert again["problemToOpportunity"]["errors"][0]["code"] == "ALREADY_DONE"
    assert await Opportunity.filter(hub_id=hub.id).count() == 1


async def test_the_responsible_body_turns_a_report_into_a_community_project_once(
    gql: Any, hub: Any, alice: Any, council: Any, fly_tipping: Any
) -> None:
    # given: a report, and a draft project asked for by the reporter, then by the council
    report = (await post_report(gql, alice, fly_tipping))["report"]
    doc = """mutation($input: ProblemToProjectInput!) { problemToProject(input: $input) {
      report { id campaign { id title status story } } errors { code field message } } }"""
    value = {
        "problemReportId": report["id"],
        "title": "A skip for Back Lane",
        "target": 400,
        "deadline": (datetime.now(UTC) + timedelta(days=20)).isoformat(),
    }
    # when
    by_reporter = await gql(doc, {"input": value}, as_=alice)
    bad = await gql(doc, {"input": {**value, "target": 0}}, as_=council)
    done = await gql(doc, {"input": value}, as_=council)
    again = await gql(doc, {"input": value}, as_=council)
    # then
    assert by_reporter["problemToProject"]["errors"][0]["code"] == "FORBIDDEN"
    assert bad["problemToProject"]["report"] is None
    assert [e["field"] for e in bad["problemToProject"]["errors"]] == ["target"]
    campaign = done["problemToProject"]["report"]["campaign"]
    assert campaign["title"] == "A skip for Back Lane"
    assert campaign["status"] == "DRAFT"
    assert campaign["story"] == (await ProblemReport.get(id=_pk(report))).description
    assert again["problemToProject"]["errors"][0]["code"] == "ALREADY_DONE"
    assert await Campaign.filter(hub_id=hub.id).count() == 1


def _pk(node: dict[str, Any]) -> int:
    return ids.pk_of(node["id"], "ProblemReport")


async def test_the_list_costs_the_same_statements_for_two_or_eight_reports(
    gql: Any,
    hub: Any,
    alice: Any,
    council: Any,
    fly_tipping: Any,
    street_light: Any,
    lights_company: Any,
) -> None:
    async def statements() -> int:
        with count_sql() as sql:
            await gql(LIST, {"first": 20}, as_=council)
        return len(sql.statements)

    async def add(n: int) -> None:
        for i in range(n):
            report = (await post_report(gql, alice, (fly_tipping, street_light)[i % 2]))["report"]
            if i % 2 == 0:
                await _status(gql, council, report["id"], "CONFIRMED")

    await add(2)
    few = await statements()
    await add(6)
    many = await statements()
    assert many == few, (few, many)
