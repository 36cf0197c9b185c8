"""City data through the API: analysts and hub admins only (an analyst granted by a hub admin),
typed errors for bad questions, the refresh time in every answer, CSV and JSON downloads."""

import csv
import io
from typing import Any

from app.people.models import Role
from tests.citydata.conftest import W1, W3, build_world
from tests.helpers import GraphQLClient, create_person

CITY_DATA_QUERY = """
query CityData($input: CityDataInput!) {
  cityData(input: $input) {
    k refreshedAt firstWeek lastWeek suppressedRows
    rows { metric area period dimension count amount mean suppressed withheldCells }
  }
}
"""
GRANT_ROLE_MUTATION = """
mutation Grant($input: GrantRoleInput!) {
  grantRole(input: $input) { errors { code field message } }
}
"""
GAPS_AND_TRENDS_QUERY = """
query GapsAndTrends($input: CityDataInput!) {
  cityGaps(input: $input) { k refreshedAt gaps { rank area demand unfilled supply gap ratio } }
  cityTrends(input: $input) { trends { metric points { period count change } } }
  cityDataDictionary { columns { name meaning } metrics { metric meaning } }
}
"""


def demand_by_cell_and_month(**extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "metrics": ["REQUESTS_POSTED", "OFFERS_POSTED"],
            "since": W1.isoformat(),
            "until": W3.isoformat(),
            "period": "MONTH",
            "areaBy": "CELL",
            "resolution": 7,
        }
        | extra
    }


async def test_an_analyst_granted_by_a_hub_admin_reads_city_data(
    gql: GraphQLClient, hub: Any, make_person: Any
) -> None:
    # given: the fixture, a hub admin and a member
    world = await build_world(hub)
    admin = await make_person(roles=[Role.HUB_ADMIN])
    member = await make_person()
    # when: the member asks, is refused; the admin grants ANALYST; the member asks again
    refused = await gql.raw(CITY_DATA_QUERY, demand_by_cell_and_month(), as_=member)
    granted = await gql(
        GRANT_ROLE_MUTATION, {"input": {"memberId": member.gid, "role": "ANALYST"}}, as_=admin
    )
    data = await gql(CITY_DATA_QUERY, demand_by_cell_and_month(), as_=member)
    # then
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["data"] is None
    assert granted["grantRole"]["errors"] == []
    answer = data["cityData"]
    assert answer["k"] == 3 and answer["refreshedAt"] is not None
    assert (answer["firstWeek"], answer["lastWeek"]) == ("2026-03-02", "2026-04-27")
    rows = {(r["metric"], r["area"], r["period"]): r for r in answer["rows"]}
    a, b = world.cell("A"), world.cell("B")
    assert rows[("REQUESTS_POSTED", a, "2026-03-01")]["count"] == 7
    assert rows[("REQUESTS_POSTED", a, "2026-04-01")]["count"] == 3
    assert rows[("REQUESTS_POSTED", b, "2026-03-01")] == {
        "metric": "REQUESTS_POSTED", "area": b, "period": "2026-03-01", "dimension": "all",
        "count": None, "amount": None, "mean": None, "suppressed": True, "withheldCells": 1,
    }  # fmt: skip
    assert rows[("OFFERS_POSTED", a, "2026-03-01")]["count"] == 3
    assert answer["suppressedRows"] == 2  # B's requests, C's offer


async def test_only_analysts_and_hub_admins(gql: GraphQLClient, hub: Any, other_hub: Any) -> None:
    # given
    await build_world(hub)
    callers = {
        "analyst": await create_person(hub=hub, roles=[Role.ANALYST]),
        "hub admin": await create_person(hub=hub, roles=[Role.HUB_ADMIN]),
        "member": await create_person(hub=hub),
        "coordinator": await create_person(hub=hub, roles=[Role.COORDINATOR]),
        "moderator": await create_person(hub=hub, roles=[Role.MODERATOR]),
        "other hub's analyst": await create_person(hub=other_hub, roles=[Role.ANALYST]),
    }
    # when
    codes = {}
    counts = {}
    for name, person in callers.items():
        body = await gql.raw(CITY_DATA_QUERY, demand_by_cell_and_month(), as_=person)
        codes[name] = body["errors"][0]["extensions"]["code"] if "errors" in body else None
        counts[name] = len(body["data"]["cityData"]["rows"]) if body.get("data") else None
    anonymous = await gql.raw(CITY_DATA_QUERY, demand_by_cell_and_month())
    # then
    assert codes == {
        "analyst": None, "hub admin": None, "member": "FORBIDDEN", "coordinator": "FORBIDDEN",
        "moderator": "FORBIDDEN", "other hub's analyst": None,
    }  # fmt: skip
    assert counts["analyst"] == counts["hub admin"] == 5
    assert counts["other hub's analyst"] == 0  # their own hub: nothing of this one
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_questions_are_typed_errors(gql: GraphQLClient, hub: Any) -> None:
    # given
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    cases: dict[str, tuple[dict[str, Any], str | None, str | None]] = {
        "resolution out of range": ({"resolution": 9}, "INVALID", "resolution"),
        "resolution too coarse": ({"resolution": 3}, "INVALID", "resolution"),
        "upside down": ({"since": "2026-05-01", "until": "2026-04-01"}, "INVALID", "until"),
        "too long": ({"since": "2020-01-01", "until": "2026-04-01"}, "INVALID", "until"),
        "too many weeks": (
            {"period": "WEEK", "since": "2024-01-01", "until": "2026-04-01"}, "INVALID", "until"
        ),
        "unknown cell": ({"areas": ["not-a-cell"]}, "NOT_FOUND", "areas"),
        "cell of another resolution": (
            {"areas": ["841951bffffffff"]}, "NOT_FOUND", "areas"
        ),
        "unknown ward": ({"areaBy": "WARD", "areas": ["nowhere"]}, "NOT_FOUND", "areas"),
        "no metric": ({"metrics": []}, "INVALID", "metrics"),
        "the whole hub (valid)": ({"areaBy": "HUB", "resolution": None}, None, None),
    }  # fmt: skip
    for name, (change, code, field) in cases.items():
        # when
        body = await gql.raw(CITY_DATA_QUERY, demand_by_cell_and_month(**change), as_=analyst)
        # then
        if code is None:
            assert "errors" not in body, name
            continue
        error = body["errors"][0]
        assert (error["extensions"]["code"], error["extensions"].get("field")) == (code, field), (
            name,
            error,
        )
        assert error["message"]


async def test_gaps_trends_and_dictionary(gql: GraphQLClient, hub: Any) -> None:
    # given
    world = await build_world(hub)
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    # when
    data = await gql(GAPS_AND_TRENDS_QUERY, demand_by_cell_and_month(), as_=analyst)
    # then
    assert data["cityGaps"]["gaps"] == [
        {"rank": 1, "area": world.cell("A"), "demand": 10, "unfilled": 6, "supply": 6, "gap": 4,
         "ratio": 1.667}
    ]  # fmt: skip
    trends = {t["metric"]: t["points"] for t in data["cityTrends"]["trends"]}
    assert trends["REQUESTS_POSTED"] == [
        {"period": "2026-03-01", "count": 7, "change": None},
        {"period": "2026-04-01", "count": 3, "change": -57.1},
    ]
    names = [c["name"] for c in data["cityDataDictionary"]["columns"]]
    assert names[:4] == ["metric", "area", "period", "dimension"]
    assert len(data["cityDataDictionary"]["metrics"]) == 17  # 12, and 5 of civic voice (issue 23)


async def test_csv_and_json_downloads(http: Any, hub: Any) -> None:
    # given
    world = await build_world(hub)
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    member = await create_person(hub=hub)
    query = (
        f"?metrics=requests_posted,requests_filled&areaBy=cell&resolution=7&period=week"
        f"&since={W1}&until={W1}&byDimension=true"
    )
    # when
    got_csv = await http.get("/citydata/export.csv" + query, headers=analyst.headers)
    got_json = await http.get("/citydata/export.json" + query, headers=analyst.headers)
    dictionary = await http.get("/citydata/dictionary.csv", headers=analyst.headers)
    refused = await http.get("/citydata/export.csv" + query, headers=member.headers)
    anonymous = await http.get("/citydata/export.csv" + query)
    bad = await http.get(
        "/citydata/export.csv?metrics=requests_posted&since=2026-05-01&until=2026-04-01",
        headers=analyst.headers,
    )
    # then
    assert got_csv.status_code == 200 and got_csv.headers["content-type"].startswith("text/csv")
    assert "dictionary.csv" in got_csv.headers["link"]
    rows = list(csv.DictReader(io.StringIO(got_csv.text)))
    a, b = world.cell("A"), world.cell("B")
    assert sorted(rows, key=lambda r: (r["metric"], r["area"])) == sorted([
        {"metric": "requests_filled", "area": a, "period": "2026-03-02", "dimension": "food",
         "count": "3", "amount": "360", "mean": "120.0", "suppressed": "false",
         "withheld_cells": "0"},
        {"metric": "requests_posted", "area": b, "period": "2026-03-02", "dimension": "food",
         "count": "", "amount": "", "mean": "", "suppressed": "true", "withheld_cells": "1"},
        {"metric": "requests_posted", "area": a, "period": "2026-03-02", "dimension": "food",
         "count": "4", "amount": "0", "mean": "0.0", "suppressed": "false",
         "withheld_cells": "0"},
    ], key=lambda r: (r["metric"], r["area"]))  # fmt: skip
    body = got_json.json()
    assert body["k"] == 3 and body["refreshedAt"] and body["suppressedRows"] == 1
    assert {(r["metric"], r["area"], r["count"]) for r in body["rows"]} == {
        ("requests_filled", a, 3), ("requests_posted", a, 4), ("requests_posted", b, None)
    }  # fmt: skip
    assert body["dictionary"][0] == {"kind": "column", "name": "metric",
                                     "meaning": "The metric (see the metrics below)."}  # fmt: skip
    lines = list(csv.reader(io.StringIO(dictionary.text)))
    assert lines[0] == ["kind", "name", "meaning"] and len(lines) == 1 + 9 + 17
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
    assert anonymous.status_code == 401
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "until"


CITY_DATA_SHAPES_QUERY = """
query CityDataShapes($input: CityDataInput!) {
  cityData(input: $input) {
    k suppressedRows
    rows { metric area period dimension count amount withheldCells }
    dashboard
    table
  }
}
"""
EVERY_METRIC = [
    "REQUESTS_POSTED", "URGENT_REQUESTS", "REQUESTS_UNFILLED", "REQUESTS_FILLED",
    "SKILL_REQUESTS", "OFFERS_POSTED", "SKILL_VOLUNTEERS", "HOURS_GIVEN", "CREDITS_EARNED",
    "CREDITS_SPENT", "ASSETS_USED", "TRIALS_RUN",
]  # fmt: skip


def numbers_of_table(table: dict[str, Any]) -> dict[tuple[str, str, str, str], tuple[Any, ...]]:
    """(metric, area, period, dimension) -> (count, amount, withheld) read back from a table;
    0, 0, 0 (no base cell there) left out, as the long shapes leave it out."""
    width = len(table["metrics"])
    found = {}
    for record in table["rows"]:
        area, period = table["areas"][record[0]], table["periods"][record[1]]
        dimension = table["dimensions"][record[2]]
        for at, metric in enumerate(table["metrics"]):
            numbers = (record[3 + at], record[3 + width + at], record[3 + 2 * width + at])
            if numbers != (0, 0, 0):
                found[(metric, area, period, dimension)] = numbers
    return found


async def test_the_table_and_the_dashboard_hold_the_numbers_of_the_rows(
    gql: GraphQLClient, hub: Any
) -> None:
    # given: the hand-computed city, and questions of every shape
    await build_world(hub)
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    questions: dict[str, dict[str, Any]] = {
        "cells by month": {},
        "every metric by cell, week and dimension": {
            "metrics": EVERY_METRIC, "period": "WEEK", "byDimension": True,
        },
        "the whole hub": {"metrics": EVERY_METRIC, "areaBy": "HUB", "resolution": None},
        "coarser cells": {"metrics": EVERY_METRIC, "resolution": 6},
    }  # fmt: skip
    for name, change in questions.items():
        # when
        answer = (
            await gql(CITY_DATA_SHAPES_QUERY, demand_by_cell_and_month(**change), as_=analyst)
        )["cityData"]
        # then: the same numbers in the three shapes, suppressed ones as nulls
        from_rows = {
            (r["metric"].lower(), r["area"], r["period"] or "now", r["dimension"]): (
                r["count"], r["amount"], r["withheldCells"]
            )
            for r in answer["rows"]
        }  # fmt: skip
        table, dashboard = answer["table"], answer["dashboard"]
        assert from_rows, name
        assert numbers_of_table(table) == {k: v for k, v in from_rows.items() if v != (0, 0, 0)}
        assert {
            (r["metric"], r["area"], r["period"], r["dimension"]): (
                r["count"], r["amount"], r["withheld_cells"]
            )
            for r in dashboard["rows"]
        } == from_rows, name  # fmt: skip
        assert table["k"] == dashboard["k"] == answer["k"] == 3
        assert table["suppressedRows"] == answer["suppressedRows"]
        assert table["question"] == dashboard["question"]
        width = len(table["metrics"])
        assert len(table["columns"]) == 3 + 3 * width
        assert table["columns"][3] == f"count:{table['metrics'][0]}"
        assert all(len(r) == 3 + 3 * width for r in table["rows"])
    assert any(v[0] is None for v in numbers_of_table(table).values())  # suppressed ones too


GAPS_QUERY = """
query Gaps($input: CityDataInput!) { cityGaps(input: $input) { k gaps { rank area } } }
"""
TRENDS_QUERY = """
query Trends($input: CityDataInput!) { cityTrends(input: $input) { k trends { metric } } }
"""


async def test_gaps_trends_and_downloads_refuse_bad_questions_the_same_way(
    gql: GraphQLClient, http: Any, hub: Any
) -> None:
    # given
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    cases: dict[str, tuple[str, dict[str, Any], str, str]] = {
        "gaps: upside down": (
            GAPS_QUERY, {"since": "2026-05-01", "until": "2026-04-01"}, "INVALID", "until"
        ),
        "gaps: resolution out of range": (GAPS_QUERY, {"resolution": 8}, "INVALID", "resolution"),
        "gaps: unknown area": (GAPS_QUERY, {"areas": ["nowhere"]}, "NOT_FOUND", "areas"),
        "gaps: the whole hub has no areas to rank": (
            GAPS_QUERY, {"areaBy": "HUB", "resolution": None}, "INVALID", "areaBy"
        ),
        "trends: too long": (
            TRENDS_QUERY, {"since": "2020-01-01", "until": "2026-04-01"}, "INVALID", "until"
        ),
    }  # fmt: skip
    for name, (document, change, code, field) in cases.items():
        # when
        body = await gql.raw(document, demand_by_cell_and_month(**change), as_=analyst)
        # then
        error = body["errors"][0]
        assert (error["extensions"]["code"], error["extensions"].get("field")) == (code, field), (
            name,
            error,
        )
    # and the downloads: a 400 naming the field
    for query, field in (
        ("metrics=requests_posted&areaBy=cell&resolution=12&since=2026-03-01&until=2026-04-01",
         "resolution"),
        ("metrics=requests_posted&areaBy=cell&areas=zzz&since=2026-03-01&until=2026-04-01",
         "areas"),
        ("metrics=requests_posted&period=fortnight&since=2026-03-01&until=2026-04-01", "period"),
    ):  # fmt: skip
        got = await http.get(f"/citydata/export.csv?{query}", headers=analyst.headers)
        assert got.status_code in (400, 404) and got.json()["error"]["field"] == field, got.text
