"""Every root field declares its OAuth scope in one table (app/oauth/requirements.py), the
schema says it in each field's description, and a token is held to it."""

import asyncio
from typing import Any

import httpx

from app.oauth.models import OAuthToken
from app.oauth.requirements import PUBLIC, REQUIREMENTS, SESSION
from app.oauth.scopes import ALL
from app.people.models import Role
from schema import schema
from schema.scopes import ScopeGap, apply, gaps, type_gaps
from tests.oauth.conftest import code_for, exchange, graphql, register_client

INTROSPECT_DESCRIPTIONS = """
query { __schema {
  queryType { fields { name description } }
  mutationType { fields { name description } }
  subscriptionType { fields { name description } }
} }
"""


def _roots() -> list[Any]:
    gs = schema._schema
    return [t for t in (gs.query_type, gs.mutation_type, gs.subscription_type) if t]


def test_every_root_field_has_exactly_one_declared_scope() -> None:
    # given: the built schema's query, mutation and subscription fields
    roots = _roots()
    # when
    problems = gaps(roots)
    # then: nothing missing, nothing stale, and only known scopes
    assert problems == []
    assert len(REQUIREMENTS) == sum(len(r.fields) for r in roots)
    assert {str(r) for r in REQUIREMENTS.values()} <= {*ALL, PUBLIC, SESSION}
    assert set(ALL) <= {str(r) for r in REQUIREMENTS.values()}  # each scope grants something


def test_a_field_missing_from_the_table_is_reported() -> None:
    # given: the table without one entry
    removed = REQUIREMENTS.pop("Query.opportunities")
    try:
        # when
        problems = gaps(_roots())
    finally:
        REQUIREMENTS["Query.opportunities"] = removed
    # then
    assert problems == ["Query.opportunities has no scope"]


def _types() -> list[Any]:
    gs = schema._schema
    roots = _roots()
    return [
        t
        for name, t in gs.type_map.items()
        if hasattr(t, "fields")
        and not name.startswith("__")
        and t not in roots
        and not hasattr(t, "resolve_type")  # interfaces
        and type(t).__name__ == "GraphQLObjectType"
    ]


def test_every_object_type_is_classified_and_an_unclassified_one_stops_the_build() -> None:
    # given: the built schema's object types
    assert type_gaps(_types()) == []

    # when: a schema gains a type the table does not know
    import strawberry

    @strawberry.type
    class Secret:
        value: str

    @strawberry.type
    class Query:
        @strawberry.field
        def opportunities(self) -> Secret:
            return Secret(value="x")

    # then: it does not build
    try:
        apply(strawberry.Schema(query=Query))
    except ScopeGap as gap:
        assert "type Secret has no scope" in str(gap)
    else:
        raise AssertionError("an unclassified type was accepted")


async def test_introspection_shows_each_fields_requirement(gql: Any, hub: Any) -> None:
    # when
    data = await gql(INTROSPECT_DESCRIPTIONS, headers={"CH-Hub": hub.slug})
    # then
    for root in ("queryType", "mutationType", "subscriptionType"):
        for field in data["__schema"][root]["fields"]:
            assert "OAuth scope:" in (field["description"] or ""), field["name"]
    opportunities = next(
        f for f in data["__schema"]["queryType"]["fields"] if f["name"] == "opportunities"
    )
    assert opportunities["description"].endswith("OAuth scope: `opportunities:read`.")


async def test_two_racing_exchanges_of_one_code_give_tokens_once(
    live_api: Any, make_person: Any
) -> None:
    # given: a code, sent twice at the same time
    admin = await make_person(roles=[Role.HUB_ADMIN])
    member = await make_person()
    client = await register_client(live_api.url, admin, scopes=["profile:read"])
    async with httpx.AsyncClient(base_url=live_api.url) as http:
        code, verifier = await code_for(http, client, member, scope="profile:read")
        # when
        answers = await asyncio.gather(*(exchange(http, client, code, verifier) for _ in range(4)))
    # then: one pair of tokens; the others invalid_grant with nothing written
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 400, 400, 400], [a.text for a in answers]
    assert all(a.json()["error"] == "invalid_grant" for a in answers if a.status_code == 400)
    issued = await OAuthToken.filter(member_id=member.member.id).count()
    winner = next(a for a in answers if a.status_code == 200).json()
    # a later loser may have revoked the winner (the code came back): never more than 2 rows
    assert issued == 2 and winner["access_token"]


MY_POSTS = """
query { myOpportunities(first: 5) { edges { node {
  title poster { displayName email }
} } } }
"""
THEIR_APPLICATIONS = """
query { myOpportunities(first: 5) { edges { node {
  applications(first: 5) { edges { node { status applicant { displayName } } } }
} } } }
"""


async def test_a_token_reaches_nested_data_only_with_that_datas_scope(
    live_api: Any, make_person: Any, hub: Any
) -> None:
    # given: Chloe posted an opportunity that Dev applied to
    from datetime import UTC, datetime, timedelta

    from app.actor import Actor
    from app.opportunities import applications, service
    from app.opportunities.models import Category

    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    chloe, dev = await make_person(display_name="Chloe"), await make_person(display_name="Dev")
    category = await Category.create(hub_id=hub.id, slug="garden", name="Garden")
    starts = datetime.now(UTC) + timedelta(days=3)
    posted = await service.create_opportunity(
        actor=Actor(member=chloe.member),
        fields={
            "kind": "request",
            "title": "Water the raised beds",
            "description": "Two watering cans each.",
            "category_id": category.id,
            "location": (53.4794, -2.2453),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "places": 2,
        },
        publish=True,
    )
    await applications.apply(actor=Actor(member=dev.member), opportunity_id=posted.id)
    client = await register_client(
        live_api.url,
        admin,
        scopes=["profile:read", "opportunities:read", "applications:manage"],
    )
    async with httpx.AsyncClient(base_url=live_api.url) as http:
        narrow = await _token(http, client, chloe, "opportunities:read")
        wide = await _token(http, client, chloe, "opportunities:read applications:manage")
        # when
        posts = await graphql(http, MY_POSTS, narrow)
        refused = await graphql(http, THEIR_APPLICATIONS, narrow)
        served = await graphql(http, THEIR_APPLICATIONS, wide)
    # then: with opportunities:read only, the opportunity without the poster's email (a
    # nullable field: the rest of the answer stands) ...
    node = posts["data"]["myOpportunities"]["edges"][0]["node"]
    assert node == {
        "title": "Water the raised beds",
        "poster": {"displayName": "Chloe", "email": None},
    }
    [error] = posts["errors"]
    assert error["path"][-1] == "email"
    assert error["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": "profile:read"}
    # ... and not its applications (a non-null connection: the error takes the answer with it)
    assert refused["data"] is None
    [error] = refused["errors"]
    assert error["path"][-1] == "applications"
    assert error["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": "applications:manage"}
    # and: with applications:manage as well, the applications
    node = served["data"]["myOpportunities"]["edges"][0]["node"]
    assert node["applications"]["edges"] == [
        {"node": {"status": "PENDING", "applicant": {"displayName": "Dev"}}}
    ]
    assert "errors" not in served


async def _token(http: httpx.AsyncClient, client: Any, member: Any, scope: str) -> str:
    code, verifier = await code_for(http, client, member, scope=scope)
    response = await exchange(http, client, code, verifier)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
