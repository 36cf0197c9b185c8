"""Open Referral HSDS 3.0 API: every answer validated by `jsonschema` against the published
HSDS 3.0 schemas (tests/opendata/schemas/README.md); paging as the specification's Page; only
open opportunities of organisations, never a draft, a cancelled one or a member's own post."""

from typing import Any
from zoneinfo import ZoneInfo

import httpx

from app.opendata.common import Kind, public_id
from tests.opendata import schemas
from tests.opendata.conftest import World, get_json


def base(world: World) -> str:
    return f"/hsds/{world.hub.slug}"


async def test_about_names_the_version_and_the_licence(http: httpx.AsyncClient, world: World):
    # when
    body = await get_json(http, f"{base(world)}/")
    # then
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/schema/openapi.json")
    assert body["license"]["id"] == "OGL-UK-3.0"
    assert body["last_updated"].endswith("Z")


async def test_organizations_page_validates_and_lists_every_visible_organisation(
    http: httpx.AsyncClient, world: World
) -> None:
    # when
    body = await get_json(http, f"{base(world)}/organizations")
    # then: the Page envelope with organization_list items, as the API declares them
    schemas.check(schemas.hsds_list_page("organization_list"), body)
    assert [o["name"] for o in body["contents"]] == ["Green Fingers", "Quiet Readers"]
    assert body["total_items"] == 2 and body["total_pages"] == 1
    assert body["first_page"] and body["last_page"] and not body["empty"]
    green = body["contents"][0]
    assert green["id"] == public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    assert green["website"] == "https://greenfingers.example/"
    assert "email" not in green  # signed-in members only (policy table)
    assert body["license"]["url"].startswith("https://www.nationalarchives.gov.uk/")


async def test_organization_by_id_is_fully_nested_with_its_open_services(
    http: httpx.AsyncClient, world: World
) -> None:
    # given
    org_id = public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    # when
    body = await get_json(http, f"{base(world)}/organizations/{org_id}")
    # then
    schemas.check(schemas.hsds("organization"), body)
    assert sorted(s["name"] for s in body["services"]) == [
        "Bike repair café",
        "Help in the community garden",
    ]


async def test_services_are_the_open_opportunities_of_organisations(
    http: httpx.AsyncClient, world: World
) -> None:
    # when
    body = await get_json(http, f"{base(world)}/services")
    # then
    schemas.check(schemas.hsds_list_page("service_list"), body)
    names = {s["name"] for s in body["contents"]}
    assert names == {"Help in the community garden", "Bike repair café"}
    garden = next(s for s in body["contents"] if s["name"].startswith("Help"))
    assert garden["status"] == "active" and garden["minimum_age"] == 16
    assert garden["organization_id"] == public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    assert "Volunteers wanted · Gardening" in garden["description"]


async def test_services_filter_by_organization_and_taxonomy_term(
    http: httpx.AsyncClient, world: World
) -> None:
    # given
    quiet = public_id(world.hub.id, Kind.ORGANIZATION, world.quiet.id)
    green = public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    elsewhere = public_id(world.hub.id + 1, Kind.ORGANIZATION, world.green.id)
    # when / then
    body = await get_json(http, f"{base(world)}/services?organization_id={quiet}")
    assert body["contents"] == [] and body["empty"] and body["total_pages"] == 0
    schemas.check(schemas.hsds_list_page("service_list"), body)
    body = await get_json(http, f"{base(world)}/services?organization_id={green}")
    assert body["total_items"] == 2
    body = await get_json(http, f"{base(world)}/services?organization_id={elsewhere}")
    assert body["total_items"] == 0


async def test_service_by_id_nests_its_organization_location_and_schedule(
    http: httpx.AsyncClient, world: World
) -> None:
    # given
    service_id = public_id(world.hub.id, Kind.SERVICE, world.garden.id)
    # when
    body = await get_json(http, f"{base(world)}/services/{service_id}")
    # then
    schemas.check(schemas.hsds("service"), body)
    assert body["organization"]["name"] == "Green Fingers"
    (at,) = body["service_at_locations"]
    assert at["location"]["name"] == "Ancoats"
    assert at["location"]["external_identifier_type"] == "h3"
    zone = ZoneInfo(world.hub.timezone)
    assert world.garden.starts_at is not None
    start = world.garden.starts_at.astimezone(zone).date().isoformat()
    assert body["schedules"][0]["valid_from"] == start


async def test_service_at_locations_and_locations_validate(
    http: httpx.AsyncClient, world: World
) -> None:
    # when
    page = await get_json(http, f"{base(world)}/service_at_locations")
    locations = await get_json(http, f"{base(world)}/locations")
    # then
    schemas.check(schemas.hsds_list_page("service_at_location_list"), page)
    schemas.check(schemas.hsds_location_page(), locations)
    kinds = sorted(item["location"]["location_type"] for item in page["contents"])
    assert kinds == ["physical", "virtual"]
    for item in page["contents"]:
        one = await get_json(http, f"{base(world)}/service_at_locations/{item['id']}")
        schemas.check(schemas.hsds("service_at_location"), one)
        assert one["service"]["id"] == item["service_id"]
    for item in locations["contents"]:
        one = await get_json(http, f"{base(world)}/locations/{item['id']}")
        schemas.check(schemas.hsds_location(), one)


async def test_drafts_cancelled_and_members_own_posts_never_appear(
    http: httpx.AsyncClient, world: World
) -> None:
    # given: their ids as the feed would have made them
    for hidden in (world.draft, world.cancelled, world.own_request):
        for kind, path in (
            (Kind.SERVICE, "services"),
            (Kind.SERVICE_AT_LOCATION, "service_at_locations"),
            (Kind.LOCATION, "locations"),
        ):
            # when
            body = await get_json(
                http, f"{base(world)}/{path}/{public_id(world.hub.id, kind, hidden.id)}", 404
            )
            # then
            assert body["error"]["code"] == "not_found"
    listed = await get_json(http, f"{base(world)}/services?per_page=100")
    titles = {s["name"] for s in listed["contents"]}
    assert not titles & {"Draft plan", "Called off", "Help me move a sofa"}


async def test_paging_walks_every_page_once(http: httpx.AsyncClient, world: World) -> None:
    # when
    first = await get_json(http, f"{base(world)}/services?per_page=1&page=1")
    second = await get_json(http, f"{base(world)}/services?per_page=1&page=2")
    third = await get_json(http, f"{base(world)}/services?per_page=1&page=3")
    # then
    validator = schemas.hsds_list_page("service_list")
    for body in (first, second, third):
        schemas.check(validator, body)
    assert (first["first_page"], first["last_page"], first["size"]) == (True, False, 1)
    assert (second["first_page"], second["last_page"], second["total_pages"]) == (False, True, 2)
    assert third["empty"] and third["contents"] == [] and third["size"] == 0
    assert first["contents"][0]["id"] != second["contents"][0]["id"]


async def test_another_hubs_feed_knows_nothing_of_this_one(
    http: httpx.AsyncClient, world: World, other_hub: Any
) -> None:
    # given: this hub's organisation id, asked of another hub
    org_id = public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    # when
    listed = await get_json(http, f"/hsds/{other_hub.slug}/organizations")
    one = await get_json(http, f"/hsds/{other_hub.slug}/organizations/{org_id}", 404)
    # then
    assert listed["contents"] == [] and listed["total_items"] == 0
    assert one["error"]["code"] == "not_found"
