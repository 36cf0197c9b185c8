"""Client-credentials tokens act as the client's own identity, not as the member who registered
it: an organisation's client works on that organisation's data as its staff; a hub client
holds only the hub roles its admins gave it. Over HTTP against a real server."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.actor import Actor
from app.oauth.models import ApiClient
from app.opportunities.models import Category, Opportunity
from app.organisations import service as organisations
from app.organisations.models import OrganisationMember, OrganisationRole
from app.people.models import Member, MemberRole, MemberStatus, Role
from schema.relay import encode_id
from tests.oauth.conftest import CREATE_CLIENT, graphql, register_client

VIEWER = "query { viewer { displayName } }"
ENDPOINTS = "query { webhookEndpoints { edges { node { id } } } }"
CREATE_OPPORTUNITY = """
mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id } errors { code field message } }
}
"""


@pytest.fixture
async def http(live_api: Any) -> Any:
    async with httpx.AsyncClient(base_url=live_api.url) as client:
        yield client


@pytest.fixture
async def admin(make_person: Any) -> Any:
    return await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])


async def _token(http: httpx.AsyncClient, client_id: str, secret: str) -> str:
    response = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _opportunity(category: Category, organisation_id: int) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=3)
    return {
        "fields": {
            "kind": "REQUEST",
            "title": "Sort the Saturday delivery",
            "description": "Tins and fresh food into crates.",
            "categoryId": str(encode_id("Category", category.id)),
            "organisationId": str(encode_id("Organisation", organisation_id)),
            "location": {"lat": 53.4837, "lng": -2.2301},
            "address": "Ancoats Food Bank, 4 Mill St",
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=2)).isoformat(),
            "places": 4,
        }
    }


async def test_an_organisations_client_works_for_that_organisation_as_its_own_identity(
    http: httpx.AsyncClient, make_person: Any, admin: Any, hub: Any
) -> None:
    # given: an owner (also a hub admin) registers a client for their food bank
    owner = await make_person(display_name="Ben", roles=[Role.HUB_ADMIN])
    org = await organisations.create_organisation(
        actor=Actor(member=owner.member), name="Ancoats Food Bank", kind="charity"
    )
    other = await organisations.create_organisation(
        actor=Actor(member=admin.member), name="Repair Cafe", kind="charity"
    )
    category = await Category.create(hub_id=hub.id, slug="food", name="Food")
    client = await register_client(
        str(http.base_url),
        owner,
        scopes=["profile:read", "opportunities:write", "webhooks:manage"],
        organisation_id=str(encode_id("Organisation", org.id)),
        name="Food bank rota",
    )
    token = await _token(http, client.client_id, client.secret)
    # when
    me = await graphql(http, VIEWER, token)
    mine = await graphql(http, CREATE_OPPORTUNITY, token, {"input": _opportunity(category, org.id)})
    theirs = await graphql(
        http, CREATE_OPPORTUNITY, token, {"input": _opportunity(category, other.id)}
    )
    webhooks = await graphql(http, ENDPOINTS, token)
    # then: it is the client, not Ben
    assert me["data"] == {"viewer": {"displayName": "Food bank rota (app)"}}
    row = await ApiClient.get(client_id=client.client_id)
    identity = await Member.get(id=row.service_member_id)
    assert identity.status == MemberStatus.SERVICE
    assert identity.email is None and identity.password_hash is None
    assert await OrganisationMember.filter(
        member_id=identity.id, organisation_id=org.id, role=OrganisationRole.STAFF
    ).exists()
    # and: it posts for its organisation, not for another one
    assert mine["data"]["createOpportunity"]["errors"] == []
    posted = await Opportunity.get(organisation_id=org.id)
    assert posted.poster_id == identity.id
    assert theirs["data"]["createOpportunity"]["opportunity"] is None
    assert [e["code"] for e in theirs["data"]["createOpportunity"]["errors"]] == ["FORBIDDEN"]
    assert not await Opportunity.filter(organisation_id=other.id).exists()
    # and: Ben's hub admin rights are not lent to it, whatever its scopes
    assert webhooks["data"] is None
    assert webhooks["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_hub_client_holds_only_the_roles_its_admins_gave_it(
    http: httpx.AsyncClient, admin: Any
) -> None:
    # given: two hub clients with webhooks:manage, one given the hub admin role
    plain = await register_client(str(http.base_url), admin, scopes=["webhooks:manage"])
    trusted = await register_client(
        str(http.base_url), admin, scopes=["webhooks:manage"], service_roles=["HUB_ADMIN"]
    )
    # when
    refused = await graphql(http, ENDPOINTS, await _token(http, plain.client_id, plain.secret))
    served = await graphql(http, ENDPOINTS, await _token(http, trusted.client_id, trusted.secret))
    # then
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert served["data"] == {"webhookEndpoints": {"edges": []}}
    row = await ApiClient.get(client_id=trusted.client_id)
    roles = await MemberRole.filter(member_id=row.service_member_id).values_list("role", flat=True)
    assert roles == [Role.HUB_ADMIN]


@pytest.mark.parametrize(
    ("organisation", "roles", "message"),
    [
        (True, ["ANALYST"], "has no hub roles"),
        (False, ["MEMBER"], "may hold these roles"),
    ],
)
async def test_service_roles_that_cannot_be_given_are_refused_with_nothing_written(
    http: httpx.AsyncClient, admin: Any, organisation: bool, roles: list[str], message: str
) -> None:
    # given
    org = await organisations.create_organisation(
        actor=Actor(member=admin.member), name="Tool Library", kind="charity"
    )
    clients, members = await ApiClient.all().count(), await Member.all().count()
    variables = {
        "input": {
            "name": "CRM",
            "redirectUris": [],
            "scopes": ["opportunities:read"],
            "organisationId": str(encode_id("Organisation", org.id)) if organisation else None,
            "serviceRoles": roles,
        }
    }
    # when
    answer = await graphql(http, CREATE_CLIENT, admin.token, variables)
    # then
    [error] = answer["data"]["createApiClient"]["errors"]
    assert (error["code"], error["field"]) == ("INVALID", "serviceRoles")
    assert message in error["message"]
    assert await ApiClient.all().count() == clients
    assert await Member.all().count() == members
