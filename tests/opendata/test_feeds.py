"""What every open data feed shares: nothing private, bounded SQL per page, caching with
conditional GET, the hub's licence, and clear 400 JSON errors for bad input."""

from typing import Any

import httpx
import pytest

from app.opendata.common import Kind, public_id
from app.opportunities.models import Opportunity
from app.people.models import Role
from schema.relay import encode_id
from tests.helpers import count_sql
from tests.opendata.conftest import (
    GARDEN,
    HOME,
    SECRET_ADDRESS,
    SECRET_CONTACT,
    SECRET_EMAIL,
    World,
    actor_of,
    get_json,
    post,
)

UPDATE_HUB = """
mutation Licence($licence: String!) {
  updateHub(input: {openDataLicence: $licence}) {
    hub { openDataLicence }
    errors { code field message }
  }
}"""


def feed_urls(world: World) -> list[str]:
    hub, slug = world.hub.id, world.hub.slug
    return [
        f"/hsds/{slug}/",
        f"/hsds/{slug}/organizations",
        f"/hsds/{slug}/organizations/{public_id(hub, Kind.ORGANIZATION, world.green.id)}",
        f"/hsds/{slug}/services",
        f"/hsds/{slug}/services/{public_id(hub, Kind.SERVICE, world.garden.id)}",
        f"/hsds/{slug}/service_at_locations",
        f"/hsds/{slug}/service_at_locations/"
        f"{public_id(hub, Kind.SERVICE_AT_LOCATION, world.garden.id)}",
        f"/hsds/{slug}/locations",
        f"/hsds/{slug}/locations/{public_id(hub, Kind.LOCATION, world.garden.id)}",
        f"/opendata/{slug}/volunteering.json",
        f"/opendata/{slug}/360giving.json",
    ]


async def test_no_feed_shows_anything_private(http: httpx.AsyncClient, world: World) -> None:
    # given: the exact place of the garden and of a member's home, an unpublished email, an
    # address and contact details for accepted volunteers only, and the members' names
    secrets = [
        SECRET_EMAIL,
        SECRET_ADDRESS,
        SECRET_CONTACT,
        "07700",
        f"{GARDEN[0]}",
        f"{GARDEN[1]}",
        f"{HOME[0]}",
        f"{HOME[1]}",
        "53.47941",  # the garden's place to 5 decimals (1 m)
        "53.48753",  # the home's
        world.resident.email,
        world.owner.email,
        "Rita Resident",
        "Olive Owner",
        "Help me move a sofa",  # a member's own request
    ]
    # when
    for url in feed_urls(world):
        response = await http.get(url)
        assert response.status_code == 200, (url, response.text)
        # then
        for secret in secrets:
            assert secret not in response.text, (url, secret)
    # and the rows do hold them (the test would prove nothing otherwise)
    garden = await Opportunity.get(id=world.garden.id)
    assert garden.lat == GARDEN[0] and garden.contact_details == SECRET_CONTACT


async def test_a_page_costs_the_same_statements_for_2_or_40_opportunities(
    http: httpx.AsyncClient, world: World
) -> None:
    # given: 38 more open opportunities of the organisation
    for i in range(38):
        await post(
            actor_of(world.owner),
            world.category,
            title=f"Shift {i:02}",
            organisation_id=world.green.id,
            skill_ids=[world.skill.id],
        )
    slug = world.hub.slug
    counts: dict[str, list[int]] = {}
    for per_page in (2, 40):
        for path in (
            f"/hsds/{slug}/services",
            f"/hsds/{slug}/service_at_locations",
            f"/hsds/{slug}/locations",
            f"/hsds/{slug}/organizations",
            f"/opendata/{slug}/volunteering.json",
            f"/opendata/{slug}/360giving.json",
        ):
            # when
            with count_sql() as sql:
                response = await http.get(f"{path}?per_page={per_page}")
            # then
            assert response.status_code == 200
            counts.setdefault(path, []).append(len(sql.statements))
    assert all(small == large for small, large in counts.values()), counts
    # hub + count + page + organisations + categories + last update (+ skills)
    assert counts[f"/hsds/{slug}/services"][0] == 6, counts
    assert counts[f"/opendata/{slug}/volunteering.json"][0] == 7, counts
    assert max(c[0] for c in counts.values()) <= 7, counts


async def test_answers_are_cacheable_and_revalidate_with_their_etag(
    http: httpx.AsyncClient, world: World
) -> None:
    url = f"/hsds/{world.hub.slug}/services"
    # when
    first = await http.get(url)
    # then
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["access-control-allow-origin"] == "*"
    assert first.headers["link"].endswith('; rel="license"')
    assert first.headers["last-modified"].endswith(" GMT")
    etag = first.headers["etag"]
    # when: revalidated with its tag (also among others, or weakly)
    for header in (etag, f'"other", {etag}', f"W/{etag}"):
        again = await http.get(url, headers={"If-None-Match": header})
        # then: nothing sent again
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
    # when: the directory changes
    await post(actor_of(world.owner), world.category, title="New", organisation_id=world.green.id)
    changed = await http.get(url, headers={"If-None-Match": etag})
    # then
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    # If-Modified-Since alone is no validator here (a feed changes without a row's time)
    later = await http.get(url, headers={"If-Modified-Since": changed.headers["last-modified"]})
    assert later.status_code == 200


async def test_the_hub_admin_chooses_the_licence_every_feed_states(
    http: httpx.AsyncClient, world: World, make_person: Any, gql: Any
) -> None:
    # given
    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    # when
    bad = await gql(UPDATE_HUB, {"licence": "All rights reserved"}, as_=admin)
    done = await gql(UPDATE_HUB, {"licence": "CC-BY-4.0"}, as_=admin)
    # then
    assert bad["updateHub"]["errors"][0]["field"] == "openDataLicence"
    assert done["updateHub"] == {"hub": {"openDataLicence": "CC-BY-4.0"}, "errors": []}
    for url in feed_urls(world):
        response = await http.get(url)
        assert (
            response.headers["link"]
            == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
        )
        assert "creativecommons.org/licenses/by/4.0/" in response.text, url


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("page=0", "invalid_page", "page"),
        ("page=abc", "invalid_page", "page"),
        ("page=-1", "invalid_page", "page"),
        ("page=1e3", "invalid_page", "page"),
        ("page=100001", "invalid_page", "page"),
        ("page=99999999999999999999", "invalid_page", "page"),
        ("per_page=0", "invalid_per_page", "per_page"),
        ("per_page=101", "invalid_per_page", "per_page"),
        ("per_page=%00", "invalid_per_page", "per_page"),
        ("per_page=%D9%A3", "invalid_per_page", "per_page"),  # an Arabic-Indic digit
        ("format=ndjson", "unsupported_format", "format"),
        ("modified_after=yesterday", "invalid_parameter", "modified_after"),
        ("organization_id=not-a-uuid", "invalid_id", "organization_id"),
    ],
)
async def test_bad_paging_input_is_a_clear_400(
    http: httpx.AsyncClient, hub: Any, query: str, code: str, field: str
) -> None:
    # when
    body = await get_json(http, f"/hsds/{hub.slug}/services?{query}", 400)
    # then
    assert body["error"]["code"] == code and body["error"]["field"] == field
    assert body["error"]["message"]


async def test_unknown_hub_and_ids_are_404_and_malformed_ids_400(
    http: httpx.AsyncClient, hub: Any
) -> None:
    # when / then
    body = await get_json(http, "/hsds/no-such-hub/services", 404)
    assert body["error"]["code"] == "unknown_hub"
    body = await get_json(http, "/opendata/no-such-hub/volunteering.json", 404)
    assert body["error"]["code"] == "unknown_hub"
    body = await get_json(http, f"/hsds/{hub.slug}/services/12345", 400)
    assert body["error"] == {"code": "invalid_id", "field": "id", "message": "id must be a UUID."}
    body = await get_json(
        http, f"/hsds/{hub.slug}/services/{public_id(hub.id, Kind.ORGANIZATION, 1)}", 404
    )
    assert body["error"]["code"] == "not_found"


PUBLISH_EMAIL = """
mutation Publish($id: ID!, $public: Boolean!) {
  updateOrganisation(input: {organisationId: $id, contactEmailPublic: $public}) {
    organisation { contactEmailPublic }
    errors { code field message }
  }
}"""
ANONYMOUS_VIEW = """
query Org($id: ID!) { node(id: $id) { ... on Organisation { name contactEmail } } }"""


async def test_an_email_appears_once_its_organisation_publishes_it(
    http: httpx.AsyncClient, world: World, gql: Any
) -> None:
    # given: the organisation's owner publishes its email
    org_gid = str(encode_id("Organisation", world.green.id))
    org_id = public_id(world.hub.id, Kind.ORGANIZATION, world.green.id)
    done = await gql(PUBLISH_EMAIL, {"id": org_gid, "public": True}, as_=world.owner)
    assert done["updateOrganisation"]["organisation"] == {"contactEmailPublic": True}
    # when
    hsds = await get_json(http, f"/hsds/{world.hub.slug}/organizations/{org_id}")
    vds = await get_json(http, f"/opendata/{world.hub.slug}/volunteering.json")
    anonymous = await gql(ANONYMOUS_VIEW, {"id": org_gid}, headers={"CH-Hub": world.hub.slug})
    # then: the feeds and an anonymous GraphQL reader see it, by the same policy entry
    assert hsds["email"] == SECRET_EMAIL
    assert vds["graph"][0]["email"] == SECRET_EMAIL
    assert anonymous["node"]["contactEmail"] == SECRET_EMAIL
    # when: it takes it back
    await gql(PUBLISH_EMAIL, {"id": org_gid, "public": False}, as_=world.owner)
    # then
    hsds = await get_json(http, f"/hsds/{world.hub.slug}/organizations/{org_id}")
    assert "email" not in hsds
