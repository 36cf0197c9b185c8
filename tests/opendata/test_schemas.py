"""The checks every feed test runs: the committed required-field checks bite on real feed
output, agree with the published schemas whenever those are here, and the published schemas'
absence is said out loud (a skip) rather than silently."""

import copy
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.opendata import required, schemas
from tests.opendata.conftest import World, get_json


def errors_of(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = required.validator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def test_the_published_schemas_are_here() -> None:
    # when
    absent = schemas.missing()
    # then: said, not hidden (every feed test still runs the committed required-field checks)
    if absent:
        pytest.skip(
            f"published schemas absent ({', '.join(absent)}): feeds checked against the"
            " committed required fields only; see tests/opendata/schemas/README.md"
        )
    for name in schemas.PINNED:
        assert schemas.published(name) is not None  # and its SHA-256 is the pinned one


def test_the_required_fields_are_the_published_ones() -> None:
    # given
    if schemas.missing():
        pytest.skip("published schemas absent: see tests/opendata/schemas/README.md")
    # then: each object of the compiled HSDS schemas requires what required.py says
    for name in ("organization", "service", "service_at_location"):
        document = schemas.load(f"hsds/{name}.json")
        assert document["required"] == required.HSDS_REQUIRED[name], name
        for prop, schema in document["properties"].items():
            item = schema.get("items", schema)
            if prop in required.HSDS_NESTED and "required" in item:
                kind = required.HSDS_NESTED[prop]
                assert item["required"] == required.HSDS_REQUIRED[kind], (name, prop)
    page = schemas.load("hsds/openapi.json")["components"]["schemas"]["Page"]
    assert [*page["properties"], "contents"] == required.HSDS_PAGE["required"]
    # and a 360Giving grant's two alternatives are required.py's
    grant = schemas.load("360giving/360-giving-schema.json")
    assert grant["oneOf"] == required.GRANT["oneOf"]
    for definition in ("Organization", "Person"):
        assert grant["$defs"][definition]["required"] == required.ORGANIZATION["required"]
    package = schemas.load("360giving/360-giving-package-schema.json")
    assert package["required"] == required.PACKAGE["required"]


async def test_the_required_field_checks_refuse_what_the_standards_refuse(
    http: httpx.AsyncClient, world: World
) -> None:
    # given: real answers of the HSDS feed, which pass
    base = f"/hsds/{world.hub.slug}"
    organizations = await get_json(http, f"{base}/organizations")
    organization = await get_json(
        http, f"{base}/organizations/{organizations['contents'][0]['id']}"
    )
    service = await get_json(http, f"{base}/services/{organization['services'][0]['id']}")
    assert errors_of(required.hsds_page("organization"), organizations) == []
    assert errors_of(required.hsds("organization"), organization) == []
    assert errors_of(required.hsds("service"), service) == []
    # when: a required field goes missing at any depth, or a value leaves its enum
    no_description = copy.deepcopy(organizations)
    del no_description["contents"][0]["description"]
    no_status = copy.deepcopy(organization)
    del no_status["services"][0]["status"]
    bad_place = copy.deepcopy(service)
    bad_place["service_at_locations"][0]["location"]["location_type"] = "home"
    no_paging = {k: v for k, v in organizations.items() if k != "total_pages"}
    # then
    assert errors_of(required.hsds_page("organization"), no_description) == [
        "contents/0: 'description' is a required property"
    ]
    assert errors_of(required.hsds("organization"), no_status) == [
        "services/0: 'status' is a required property"
    ]
    assert errors_of(required.hsds("service"), bad_place) == [
        "service_at_locations/0/location/location_type: 'home' is not one of"
        " ['physical', 'postal', 'virtual']"
    ]
    assert errors_of(required.hsds_page("organization"), no_paging) == [
        ": 'total_pages' is a required property"
    ]


def test_a_360giving_grant_needs_a_recipient_and_a_funder() -> None:
    # given: a grant as the feed makes it
    grant = {
        "id": "360G-communityhub-demo-match-1",
        "title": "Raised beds",
        "description": "Raised beds for the estate.",
        "currency": "XXX",
        "amountAwarded": 1200,
        "awardDate": "2026-11-30",
        "recipientOrganization": [{"id": "GB-COH-1", "name": "Green Fingers"}],
        "fundingOrganization": [{"id": "GB-LAE-MAN", "name": "Ancoats Council"}],
    }
    both = grant | {"recipientIndividual": {"id": "x", "name": "Individual recipient"}}
    neither = {k: v for k, v in grant.items() if k != "recipientOrganization"}
    no_funder = {k: v for k, v in grant.items() if k != "fundingOrganization"}
    # then
    assert errors_of(required.GRANT, grant) == []
    assert errors_of(required.PACKAGE, {"grants": [grant]}) == []
    for wrong in (both, neither, no_funder, grant | {"amountAwarded": "1200"}):
        assert errors_of(required.GRANT, wrong), wrong
    assert errors_of(required.PACKAGE, {"grants": []}) == ["grants: [] should be non-empty"]
    assert isinstance(schemas.giving_grant()[0], Draft202012Validator)
