"""Bad input to the asset mutations and search: typed errors naming the field, nothing written."""

from datetime import timedelta
from typing import Any

import pytest

from app.assets.models import Asset, AssetCategory, WantedNotice
from tests.assets.conftest import MANCHESTER, gid
from tests.helpers import Person, next_weekday

CREATE = """
mutation Create($input: CreateAssetInput!) {
  createAsset(input: $input) { asset { id } errors { code field message } }
}"""
WANTED = """
mutation Wanted($input: CreateWantedNoticeInput!) {
  createWantedNotice(input: $input) { wantedNotice { id } errors { code field message } }
}"""
SEARCH = """
query Search($filter: AssetFilter, $sort: AssetSort) {
  assets(first: 5, filter: $filter, sort: $sort) { edges { node { id } } }
}"""
POINT = {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}
MONDAY = f"{next_weekday(0).isoformat()}T"


def _fields(category: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "LOAN",
        "title": "Hedge trimmer",
        "assetCategoryId": gid("AssetCategory", category.id),
        "location": POINT,
    } | extra


CASES = [
    ({"title": "ab"}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"title": "two\nlines"}, "title"),
    ({"description": "y" * 10_001}, "description"),
    ({"priceCredits": -1}, "priceCredits"),
    ({"priceCredits": 2_000_000_000}, "priceCredits"),
    ({"quantity": 3}, "quantity"),  # a loan is one thing
    ({"quantity": 0}, "quantity"),
    ({"kind": "GIVEAWAY", "priceCredits": 5}, "priceCredits"),
    ({"kind": "BOOKABLE", "depositCredits": 5}, "depositCredits"),
    ({"weightKg": -2.0}, "weightKg"),
    ({"location": {"lat": 95.0, "lng": 0.0}}, "location"),
    ({"minMinutes": 120, "maxMinutes": 60}, "minMinutes"),
    ({"minMinutes": 0}, "minMinutes"),
    ({"noticeMinutes": -5}, "noticeMinutes"),
    ({"photos": ["http://example.org/a.jpg"]}, "photos"),
    ({"photos": ["https://user:pw@example.org/a.jpg"]}, "photos"),
    ({"photos": [f"https://example.org/{n}.jpg" for n in range(11)]}, "photos"),
    ({"requiredChecks": ["moon_licence"]}, "requiredChecks"),
    ({"audience": "CHECKED_MEMBERS"}, "requiredChecks"),
    ({"requiredChecks": ["dbs_basic"]}, "audience"),
    ({"openingHours": [{"weekday": "MON", "opens": "17:00", "closes": "09:00"}]}, "openingHours"),
    ({"openingHours": [{"weekday": "MON", "opens": "9:00", "closes": "17:00"}]}, "openingHours"),
    ({"openingHours": [{"weekday": "MON", "opens": "00:00", "closes": "24:30"}]}, "openingHours"),
    ({"assetCategoryId": gid("Category", 1)}, "assetCategoryId"),  # an opportunity category
    ({"assetCategoryId": "not an id"}, "assetCategoryId"),
]


@pytest.mark.parametrize(
    ("extra", "field"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
async def test_each_bad_field_is_a_typed_error_and_nothing_is_written(
    gql: Any, alice: Person, furniture: AssetCategory, extra: dict[str, Any], field: str
) -> None:
    # when
    data = await gql(
        CREATE, {"input": {"fields": _fields(furniture, **extra), "publish": True}}, as_=alice
    )
    # then
    payload = data["createAsset"]
    assert payload["asset"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    assert await Asset.filter(hub_id=furniture.hub_id).count() == 0


async def test_every_bad_field_is_reported_at_once(
    gql: Any, alice: Person, furniture: AssetCategory
) -> None:
    extra = {"title": "ab", "priceCredits": -1, "photos": ["ftp://x"], "weightKg": -1.0}
    data = await gql(CREATE, {"input": {"fields": _fields(furniture, **extra)}}, as_=alice)
    fields = {e["field"] for e in data["createAsset"]["errors"]}
    assert fields == {"title", "priceCredits", "photos", "weightKg"}


async def test_listing_needs_a_place_but_a_draft_does_not(
    gql: Any, alice: Person, furniture: AssetCategory
) -> None:
    fields = _fields(furniture, location=None)
    listed = await gql(CREATE, {"input": {"fields": fields, "publish": True}}, as_=alice)
    assert [(e["code"], e["field"]) for e in listed["createAsset"]["errors"]] == [
        ("INVALID", "location")
    ]
    drafted = await gql(CREATE, {"input": {"fields": fields}}, as_=alice)
    assert drafted["createAsset"]["errors"] == []
    published = await gql(
        "mutation($id: ID!) { publishAsset(input: {assetId: $id}) { errors { code field } } }",
        {"id": drafted["createAsset"]["asset"]["id"]},
        as_=alice,
    )
    assert published["publishAsset"]["errors"] == [{"code": "INVALID", "field": "location"}]


async def test_another_hubs_category_is_not_this_hubs(
    gql: Any, alice: Person, other_hub: Any
) -> None:
    theirs = await AssetCategory.get(hub_id=other_hub.id, slug="furniture")
    data = await gql(CREATE, {"input": {"fields": _fields(theirs)}}, as_=alice)
    assert [(e["code"], e["field"]) for e in data["createAsset"]["errors"]] == [
        ("INVALID", "assetCategoryId")
    ]
    assert await Asset.filter(listed_by_id=alice.member.id).count() == 0


async def test_text_postgresql_cannot_store_is_refused_at_the_edge(
    gql: Any, alice: Person, furniture: AssetCategory
) -> None:
    body = await gql.raw(
        CREATE, {"input": {"fields": _fields(furniture, title="desk\x00")}}, as_=alice
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await Asset.filter(hub_id=furniture.hub_id).count() == 0


async def test_bad_wanted_notices_are_typed_errors(
    gql: Any, alice: Person, furniture: AssetCategory
) -> None:
    base = {
        "title": "A desk for our centre",
        "assetCategoryId": gid("AssetCategory", furniture.id),
        "location": POINT,
    }
    for extra, field in (
        ({"withinKm": 0}, "withinKm"),
        ({"withinKm": 51}, "withinKm"),
        ({"title": "ab"}, "title"),
        ({"location": {"lat": 0.0, "lng": 181.0}}, "location"),
        ({"expiresAt": "2020-01-01T00:00:00+00:00"}, "expiresAt"),
    ):
        data = await gql(WANTED, {"input": base | extra}, as_=alice)
        errors = data["createWantedNotice"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", field)], extra
    assert await WantedNotice.filter(hub_id=furniture.hub_id).count() == 0


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"filter": {"withinKm": 5}}, "near"),
        ({"filter": {"near": POINT, "withinKm": 500}}, "withinKm"),
        ({"sort": "NEAREST"}, "sort"),
        ({"filter": {"text": "x" * 201}}, "text"),
        ({"filter": {"nearHome": True}}, "nearHome"),
        (
            {
                "filter": {
                    "free": {"startsAt": f"{MONDAY}16:00:00Z", "endsAt": f"{MONDAY}14:00:00Z"}
                }
            },
            "free",
        ),
        (
            {
                "filter": {
                    "free": {
                        "startsAt": f"{MONDAY}14:00:00Z",
                        "endsAt": f"{next_weekday(0) + timedelta(days=40)}T14:00:00Z",
                    }
                }
            },
            "free",
        ),
        (
            {
                "filter": {
                    "kind": "LOAN",
                    "free": {"startsAt": f"{MONDAY}14:00:00Z", "endsAt": f"{MONDAY}15:00:00Z"},
                }
            },
            "kind",
        ),
        ({"filter": {"assetCategoryIds": ["nope"]}}, "assetCategoryIds"),
    ],
)
async def test_bad_search_arguments_are_invalid_with_their_field(
    gql: Any, alice: Person, variables: dict[str, Any], field: str
) -> None:
    body = await gql.raw(SEARCH, variables, as_=alice)
    assert body["data"] is None  # `assets` is non-null: the error reaches the root
    [error] = body["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": field}
