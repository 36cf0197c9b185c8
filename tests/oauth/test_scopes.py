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
from schema.scopes import gaps
from tests.oauth.conftest import code_for, exchange, register_client

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
