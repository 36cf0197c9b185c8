"""Wards: hub admins upload GeoJSON polygons; malformed GeoJSON is refused with typed errors
and changes nothing; answers by ward sum the ward's base cells."""

import json
from typing import Any

import h3

from app.people.models import Role
from tests.citydata.conftest import MANCHESTER, W1, W3, build_world
from tests.helpers import GraphQLClient, create_person

UPLOAD_CITY_WARDS_MUTATION = """
mutation Upload($input: UploadCityWardsInput!) {
  uploadCityWards(input: $input) { wards { name code cells } errors { code field message } }
}
"""
WARDS_QUERY = """
query Wards($input: CityDataInput!) {
  cityWards { name code cells }
  cityData(input: $input) { rows { area period count suppressed withheldCells } }
}
"""


def square(lat: float, lng: float, half: float) -> list[list[list[float]]]:
    ring = [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half],
            [lng - half, lat + half], [lng - half, lat - half]]  # fmt: skip
    return [ring]


def feature(name: Any, geometry: Any, code: str | None = None) -> dict[str, Any]:
    properties = {"name": name} | ({"code": code} if code else {})
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def cell_polygon(cell: str) -> dict[str, Any]:
    """The polygon of an H3 cell, slightly shrunk: it holds that cell's centre only."""
    lat0, lng0 = h3.cell_to_latlng(cell)
    ring = [[lng0 + (lng - lng0) * 0.9, lat0 + (lat - lat0) * 0.9]
            for lat, lng in h3.cell_to_boundary(cell)]  # fmt: skip
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


async def test_malformed_geojson_is_refused_with_typed_errors(gql: GraphQLClient, hub: Any) -> None:
    # given
    admin = await create_person(hub=hub, roles=[Role.HUB_ADMIN])
    good = feature("Centre", {"type": "Polygon", "coordinates": square(*MANCHESTER, 0.05)})
    cases = {
        "not JSON": ("{nope", [("INVALID", "geojson")]),
        "a bare geometry": (json.dumps(good["geometry"]), [("NOT_A_FEATURE_COLLECTION", "geojson")]),
        "no features": (collection(), [("NOT_A_FEATURE_COLLECTION", "geojson")]),
        "a point": (
            collection(feature("P", {"type": "Point", "coordinates": [0, 0]})),
            [("BAD_GEOMETRY", "features[0].geometry")],
        ),
        "open ring and no name": (
            collection(
                feature("Open", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
                feature("", good["geometry"]),
            ),
            [("BAD_GEOMETRY", "features[0].geometry"), ("MISSING_NAME", "features[1]")],
        ),
        "latitude first, out of range": (
            collection(feature("Swapped", {"type": "Polygon", "coordinates": [[[53, 200], [54, 200], [54, 201], [53, 200]]]})),
            [("BAD_COORDINATES", "features[0].geometry")],
        ),
        "text coordinates": (
            collection(feature("Text", {"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]})),
            [("BAD_COORDINATES", "features[0].geometry")],
        ),
        "duplicate codes": (collection(good, good), [("DUPLICATE_WARD", "features[1]")]),
        "too small": (
            collection(feature("Tiny", {"type": "Polygon", "coordinates": square(*MANCHESTER, 0.0005)})),
            [("EMPTY_WARD", "features[0].geometry")],
        ),
    }  # fmt: skip
    for name, (text, expected) in cases.items():
        # when
        data = await gql(UPLOAD_CITY_WARDS_MUTATION, {"input": {"geojson": text}}, as_=admin)
        # then: every problem, typed; nothing stored
        payload = data["uploadCityWards"]
        assert payload["wards"] is None, name
        assert [(e["code"], e["field"]) for e in payload["errors"]] == expected, name
    analyst = await create_person(hub=hub, roles=[Role.ANALYST])
    refused = await gql(UPLOAD_CITY_WARDS_MUTATION, {"input": {"geojson": collection(good)}},
                        as_=analyst)  # fmt: skip
    assert refused["uploadCityWards"]["errors"][0]["code"] == "FORBIDDEN"


async def test_answers_by_ward_sum_the_ward_cells(gql: GraphQLClient, hub: Any) -> None:
    # given: the fixture; wards "A" (cell A) and "A and B" (a multipolygon of both cells)
    world = await build_world(hub)
    admin = await create_person(hub=hub, roles=[Role.HUB_ADMIN])
    a, b = world.cell("A"), world.cell("B")
    both = {"type": "MultiPolygon", "coordinates": [cell_polygon(a)["coordinates"],
                                                     cell_polygon(b)["coordinates"]]}  # fmt: skip
    text = collection(feature("Ancoats", cell_polygon(a), code="E05011044"),
                      feature("A and B", both))  # fmt: skip
    uploaded = await gql(UPLOAD_CITY_WARDS_MUTATION, {"input": {"geojson": text}}, as_=admin)
    # when
    data = await gql(
        WARDS_QUERY,
        {"input": {"metrics": ["REQUESTS_POSTED"], "since": W1.isoformat(), "until": W3.isoformat(),
                   "period": "MONTH", "areaBy": "WARD"}},
        as_=admin,
    )  # fmt: skip
    # then
    assert uploaded["uploadCityWards"]["errors"] == []
    assert data["cityWards"] == [
        {"name": "A and B", "code": "a-and-b", "cells": 2},
        {"name": "Ancoats", "code": "E05011044", "cells": 1},
    ]
    rows = {(r["area"], r["period"]): r for r in data["cityData"]["rows"]}
    assert rows[("E05011044", "2026-03-01")] == {
        "area": "E05011044", "period": "2026-03-01", "count": 7, "suppressed": False,
        "withheldCells": 0,
    }  # fmt: skip
    # B's withheld requests are not in the bigger ward either: its difference with A is 0
    assert rows[("a-and-b", "2026-03-01")]["count"] == 7
    assert rows[("a-and-b", "2026-03-01")]["withheldCells"] == 1
    assert rows[("a-and-b", "2026-04-01")]["count"] == 3
