"""Open311 GeoReport v2 (JSON) against the specification's fields and formats
(https://wiki.open311.org/GeoReport_v2): services, a service definition, requests with their
filters, a request by id, posting one (with a member's token or an API client's OAuth token)
and reading it back through GraphQL; errors as the specification's array."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app import ids
from app.civic.problems.models import ProblemReport
from app.oauth import clients
from app.people.models import Role
from tests.civic.conftest import FAR, NEAR, actor_of, post_report

ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
SERVICE_FIELDS = {
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
}  # fmt: skip
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
}  # fmt: skip
NODE = """query($id: ID!) { node(id: $id) { ... on ProblemReport {
  id description status photoUrls category { slug } exactLocation { lat lng } reporter { id }
} } }"""


def _is_error_array(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["code"] == status and isinstance(body[0]["description"], str)


async def test_services_and_a_service_definition(
    http: Any, hub: Any, fly_tipping: Any, street_light: Any
) -> None:
    base = f"/open311/{hub.slug}/v2"
    # when
    listed = await http.get(f"{base}/services.json")
    one = await http.get(f"{base}/services/fly-tipping.json")
    missing = await http.get(f"{base}/services/nope.json")
    xml = await http.get(f"{base}/services.xml")
    # then
    assert listed.status_code == 200 and listed.headers["content-type"] == "application/json"
    services = listed.json()
    assert [s["service_code"] for s in services] == ["fly-tipping", "street-light"]
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] in ("realtime", "batch", "blackbox")
        assert isinstance(service["metadata"], bool)
    assert one.json() == {"service_code": "fly-tipping", "attributes": []}
    _is_error_array(missing, 404)
    _is_error_array(xml, 404)
    _is_error_array(await http.get("/open311/no-such-hub/v2/services.json"), 404)
    discovery = (await http.get(f"/open311/{hub.slug}/discovery.json")).json()
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith(base) and endpoint["formats"] == ["application/json"]
    other = await http.get(f"{base}/services.json", params={"jurisdiction_id": "elsewhere"})
    _is_error_array(other, 404)


async def test_post_a_request_with_a_members_key_and_read_it_back_through_graphql(
    http: Any, gql: Any, hub: Any, alice: Any, council: Any, fly_tipping: Any
) -> None:
    base = f"/open311/{hub.slug}/v2"
    # when: form-encoded, as the specification posts
    posted = await http.post(
        f"{base}/requests.json",
        data={
            "api_key": alice.token,
            "jurisdiction_id": hub.slug,
            "service_code": "fly-tipping",
            "lat": str(NEAR[0]),
            "long": str(NEAR[1]),
            "address_string": "12 Back Lane",
            "description": "Mattress by the bins",
            "media_url": "https://photos.example.org/m.jpg",
        },
    )
    # then
    assert posted.status_code == 200, posted.text
    [created] = posted.json()
    assert set(created) >= {"service_request_id"}
    request_id = created["service_request_id"]
    read = await gql(NODE, {"id": request_id}, as_=alice)
    node = read["node"]
    assert node["description"] == "Mattress by the bins" and node["status"] == "OPEN"
    assert node["category"] == {"slug": "fly-tipping"}
    assert node["photoUrls"] == ["https://photos.example.org/m.jpg"]
    assert node["exactLocation"] == {"lat": NEAR[0], "lng": NEAR[1]}
    assert node["reporter"] == {"id": alice.gid}
    # and back through Open311, with the specification's fields and formats
    one = await http.get(f"{base}/requests/{request_id}.json")
    assert one.status_code == 200
    [request] = one.json()
    assert set(request) == REQUEST_FIELDS
    assert request["service_request_id"] == request_id and request["status"] == "open"
    assert request["service_code"] == "fly-tipping" and request["service_name"] == "Fly-tipping"
    assert ISO_8601.match(request["requested_datetime"]), request["requested_datetime"]
    assert ISO_8601.match(request["updated_datetime"])
    assert request["agency_responsible"] == "The council"
    assert request["media_url"] == "https://photos.example.org/m.jpg"
    assert request["address"] == ""  # the exact place stays private
    assert request["lat"] != NEAR[0] and abs(request["lat"] - NEAR[0]) < 0.003


async def test_post_with_an_api_clients_oauth_token_needs_its_scope(
    app: Any, http: Any, gql: Any, hub: Any, admin: Any, fly_tipping: Any
) -> None:
    base = f"/open311/{hub.slug}/v2"
    admin_actor = actor_of(admin, Role.HUB_ADMIN)

    async def token(scopes: list[str]) -> str:
        client, secret = await clients.register(
            actor=admin_actor, name="Council CRM", redirect_uris=[], scopes=scopes
        )
        transport = httpx.ASGITransport(app=app)  # OAuth 2 wants https
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as tls:
            answer = await tls.post(
                "/oauth/token", data={"grant_type": "client_credentials"},
                auth=(client.client_id, secret),
            )  # fmt: skip
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    form = {"service_code": "fly-tipping", "lat": str(NEAR[0]), "long": str(NEAR[1])}
    # when
    without = await http.post(
        f"{base}/requests.json", data={**form, "api_key": await token(["profile:read"])}
    )
    with_scope = await http.post(
        f"{base}/requests.json", data={**form, "api_key": await token(["problems:report"])}
    )
    # then
    _is_error_array(without, 403)
    assert with_scope.status_code == 200, with_scope.text
    report = await ProblemReport.get(hub_id=hub.id)
    assert report.api_client_id is not None and report.description == "Fly-tipping"


async def test_bad_posts_are_refused_with_the_specifications_errors_and_nothing_written(
    http: Any, hub: Any, alice: Any, fly_tipping: Any
) -> None:
    base = f"/open311/{hub.slug}/v2/requests.json"
    good = {"api_key": alice.token, "service_code": "fly-tipping", "lat": str(NEAR[0]),
            "long": str(NEAR[1])}  # fmt: skip
    cases = [
        ({**good, "api_key": "cha_forged"}, 403),
        ({k: v for k, v in good.items() if k != "api_key"}, 403),
        ({**good, "service_code": "nope"}, 404),
        ({**good, "lat": str(FAR[0]), "long": str(FAR[1])}, 400),  # outside the hub
        ({**good, "lat": "north"}, 400),
        ({"api_key": alice.token, "service_code": "fly-tipping", "address_string": "1 St"}, 400),
        ({**good, "media_url": "javascript:alert(1)"}, 400),
    ]
    for form, status in cases:
        _is_error_array(await http.post(base, data=form), status)
    assert await ProblemReport.filter(hub_id=hub.id).count() == 0


async def test_requests_filters(
    http: Any, gql: Any, hub: Any, alice: Any, council: Any, fly_tipping: Any, street_light: Any
) -> None:
    # given: two fly-tipping reports (one fixed), one street light, one old report
    first = (await post_report(gql, alice, fly_tipping))["report"]
    second = (await post_report(gql, alice, fly_tipping))["report"]
    light = (await post_report(gql, alice, street_light))["report"]
    old = (await post_report(gql, alice, fly_tipping))["report"]
    await ProblemReport.filter(id=ids.pk_of(old["id"], "ProblemReport")).update(
        created_at=datetime.now(UTC) - timedelta(days=120)
    )
    doc = """mutation($input: UpdateProblemStatusInput!) { updateProblemStatus(input: $input) {
      errors { code } } }"""
    fixed = await gql(
        doc, {"input": {"problemReportId": second["id"], "status": "FIXED"}}, as_=council
    )
    assert fixed["updateProblemStatus"]["errors"] == []
    base = f"/open311/{hub.slug}/v2/requests.json"

    async def ids_of(**params: str) -> list[str]:
        answer = await http.get(base, params=params)
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    # then
    assert await ids_of() == [light["id"], second["id"], first["id"]]  # the last 90 days
    assert await ids_of(service_code="fly-tipping") == [second["id"], first["id"]]
    assert await ids_of(status="closed") == [second["id"]]
    assert await ids_of(status="open", service_code="fly-tipping") == [first["id"]]
    assert await ids_of(status="open,closed", service_code="street-light") == [light["id"]]
    long_ago = (datetime.now(UTC) - timedelta(days=150)).isoformat()
    before = (datetime.now(UTC) - timedelta(days=100)).isoformat()
    assert await ids_of(start_date=long_ago, end_date=before) == [old["id"]]
    assert await ids_of(service_request_id=f"{first['id']},{old['id']}") == [
        old["id"], first["id"],
    ]  # fmt: skip
    closed = (await http.get(base, params={"status": "closed"})).json()[0]
    assert closed["status"] == "closed"
    _is_error_array(await http.get(base, params={"status": "pending"}), 400)
    _is_error_array(await http.get(base, params={"start_date": "yesterday"}), 400)
    _is_error_array(await http.get(base, params={"start_date": before, "end_date": long_ago}), 400)
    _is_error_array(await http.get(f"/open311/{hub.slug}/v2/requests/nope.json"), 404)


async def test_posting_is_rate_limited_per_member_in_the_app_and_through_open311_alike(
    http: Any, gql: Any, hub: Any, alice: Any, fly_tipping: Any, monkeypatch: Any
) -> None:
    # given: the hourly allowance scaled down to 2 reports per member
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "limits_scale", 0.1)
    base = f"/open311/{hub.slug}/v2/requests.json"
    form = {"api_key": alice.token, "service_code": "fly-tipping", "lat": str(NEAR[0]),
            "long": str(NEAR[1])}  # fmt: skip
    # when: one report through GraphQL, one through Open311, then one more each way
    first = await post_report(gql, alice, fly_tipping)
    second = await http.post(base, data=form)
    third = await http.post(base, data=form)
    fourth = await post_report(gql, alice, fly_tipping)
    # then: the first two are stored, the third is the specification's error array with 429,
    # the fourth a typed RATE_LIMITED, and neither wrote anything
    assert first["errors"] == [] and second.status_code == 200, second.text
    _is_error_array(third, 429)
    assert "Too many" in third.json()[0]["description"]
    assert fourth["report"] is None and fourth["errors"][0]["code"] == "RATE_LIMITED"
    assert await ProblemReport.filter(hub_id=hub.id).count() == 2
