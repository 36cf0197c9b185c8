"""Every request's cost is charged to its caller's budget before it runs; the RateLimit header
fields and extensions.cost say what is left, and a spent budget answers 429 with Retry-After."""

import asyncio
import uuid
from typing import Any

import pytest

from app.config import get_settings
from tests.helpers import create_person


def _hub_query(slug: str, aliases: int = 1) -> str:
    fields = " ".join(f'h{i}: hub(slug: "{slug}") {{ slug name }}' for i in range(aliases))
    return f"{{ {fields} }}"  # each alias costs 3: the hub and its two fields


@pytest.mark.usefixtures("small_budget")
async def test_the_budget_is_charged_and_reported_then_refused_with_429(
    http: Any, hub: Any
) -> None:
    # given a budget of 30 and an operation that costs 12 (four aliases)
    query = _hub_query(hub.slug, aliases=4)
    # when it runs twice
    first = await http.post("/graphql", json={"query": query})
    second = await http.post("/graphql", json={"query": query})
    # then each answer says what is left, in the headers and in extensions.cost
    assert first.status_code == second.status_code == 200
    assert first.headers["RateLimit-Policy"] == '"cost";q=30;w=3'
    assert first.headers["RateLimit"].startswith('"cost";r=18;t=')
    assert second.headers["RateLimit"].startswith('"cost";r=6;t=')
    cost = second.json()["extensions"]["cost"]
    assert (cost["requested"], cost["limit"], cost["remaining"]) == (12, 30, 6)
    assert second.json()["data"]["h0"] == {"slug": hub.slug, "name": hub.name}
    # and when a third comes at once, it is refused whole, with when to retry
    third = await http.post("/graphql", json={"query": query})
    assert third.status_code == 429
    assert int(third.headers["Retry-After"]) >= 1
    assert third.headers["RateLimit"].startswith('"cost";r=')
    body = third.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == int(third.headers["Retry-After"])


@pytest.mark.usefixtures("small_budget")
async def test_the_budget_refills_over_time(http: Any, hub: Any) -> None:
    # given a spent budget (30 at 10 per second)
    query = _hub_query(hub.slug, aliases=10)
    assert (await http.post("/graphql", json={"query": query})).status_code == 200
    refused = await http.post("/graphql", json={"query": query})
    assert refused.status_code == 429
    # when the time it named has passed
    await asyncio.sleep(int(refused.headers["Retry-After"]) + 0.2)
    # then the same operation runs
    assert (await http.post("/graphql", json={"query": query})).status_code == 200


@pytest.mark.usefixtures("small_budget")
async def test_a_member_spends_their_own_budget_not_the_address(http: Any, hub: Any) -> None:
    # given an address that has spent its anonymous budget
    query = _hub_query(hub.slug, aliases=10)
    await http.post("/graphql", json={"query": query})
    assert (await http.post("/graphql", json={"query": query})).status_code == 429
    # when a member signs in from it and asks
    person = await create_person(hub=hub)
    answer = await http.post("/graphql", json={"query": query}, headers=person.headers)
    # then their own budget pays
    assert answer.status_code == 200
    assert answer.json()["extensions"]["cost"]["remaining"] == 0


@pytest.mark.usefixtures("small_budget")
async def test_reads_answered_by_the_compiled_path_are_charged_too(http: Any, hub: Any) -> None:
    # given a plain list, which the compiled path answers
    query = "{ opportunities(first: 5) { edges { node { id title } } } }"
    headers = {"CH-Hub": hub.slug}
    # when
    answer = await http.post("/graphql", json={"query": query}, headers=headers)
    # then it cost 1 + 5 * (edges 1 + node 1 + 2 fields) = 21
    assert answer.status_code == 200, answer.text
    assert answer.json()["extensions"]["cost"]["requested"] == 21
    assert answer.headers["RateLimit"].startswith('"cost";r=9;')


async def test_a_busy_caller_costs_one_redis_round_trip_per_lease(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.budgets import requests
    from app.config import get_settings

    # given a budget of 1,000 refilling 100 a second: leases of 100
    monkeypatch.setattr(get_settings(), "budget_capacity", 1000)
    monkeypatch.setattr(get_settings(), "budget_per_second", 100.0)
    takes: list[int] = []
    real_take = requests.take

    async def counted(bucket: Any, *, key: str, cost: int = 1) -> Any:
        takes.append(cost)
        return await real_take(bucket, key=key, cost=cost)

    monkeypatch.setattr(requests, "take", counted)
    key = f"test:{uuid.uuid4().hex}"
    # when one process charges 10 requests of 10
    outcomes = [(await requests.charge(key=key, cost=10))[1] for _ in range(10)]
    # then Redis was asked once, and each answer counts down what is left
    assert takes == [100]
    assert [o.remaining for o in outcomes] == list(range(990, 890, -10))
    # and when another process (no lease) spends the rest, the two never pass 1,000
    requests._leases.clear()
    spent = 100
    while (await requests.charge(key=key, cost=100))[1].taken:
        spent += 100
    assert spent <= 1000 + 100  # plus at most a second of refill while it ran


async def test_an_occasional_caller_is_served_from_its_lease_for_its_lifetime(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.budgets import requests
    from app.config import get_settings

    # given a budget of 1,000 refilling 100 a second (leases of 100), and a clock we move
    monkeypatch.setattr(get_settings(), "budget_capacity", 1000)
    monkeypatch.setattr(get_settings(), "budget_per_second", 100.0)
    takes: list[int] = []
    real_take = requests.take

    async def counted(bucket: Any, *, key: str, cost: int = 1) -> Any:
        takes.append(cost)
        return await real_take(bucket, key=key, cost=cost)

    monkeypatch.setattr(requests, "take", counted)
    now = [1000.0]
    monkeypatch.setattr(requests, "_clock", lambda: now[0])
    key = f"test:{uuid.uuid4().hex}"
    # when the caller sends a request of 10 every few seconds within the lease's lifetime
    for _ in range(3):
        assert (await requests.charge(key=key, cost=10))[1].taken
        now[0] += (requests.LEASE_LIFETIME - 0.5) / 3
    # then Redis was asked once
    assert takes == [100]
    # and once the lease has lived its lifetime, the next request takes a new one
    now[0] += requests.LEASE_LIFETIME
    assert (await requests.charge(key=key, cost=10))[1].taken
    assert takes == [100, 100]


def test_an_api_clients_token_spends_the_clients_budget_and_a_coordinator_their_own() -> None:
    from app.actor import Actor
    from app.budgets.requests import caller_key
    from app.people.models import Member

    member, coordinator = Member(id=7, hub_id=1), Member(id=9, hub_id=1)
    assert caller_key(actor=Actor(member=member), address="::1") == "member:7"
    assert caller_key(actor=Actor(member=member, api_client_id=3), address="::1") == "client:3"
    assert caller_key(actor=Actor(member=member, acted_by=coordinator), address=None) == "member:9"
    assert caller_key(actor=None, address="::1") == "address:::1"


async def test_two_tokens_of_one_api_client_spend_one_budget(
    http: Any, hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a budget of 30 that barely refills (a slow machine takes seconds for this test) ...
    monkeypatch.setattr(get_settings(), "budget_capacity", 30)
    monkeypatch.setattr(get_settings(), "budget_per_second", 0.01)
    # ... a hub client and two client-credentials tokens of it, over the token endpoint
    from app.actor import Actor
    from app.oauth import clients
    from app.people.models import Role

    admin = await create_person(hub=hub, roles=[Role.HUB_ADMIN])
    client, secret = await clients.register(
        actor=Actor(member=admin.member, roles=frozenset({Role.HUB_ADMIN})),
        name="Ward dashboard",
        redirect_uris=[],
        scopes=["opportunities:read"],
    )
    tokens = []
    for _ in range(2):
        issued = await http.post(
            "https://testserver/oauth/token",  # OAuth refuses plain http (RFC 6749 3.2)
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, secret),
        )
        assert issued.status_code == 200, issued.text
        tokens.append({"Authorization": f"Bearer {issued.json()['access_token']}"})
    assert tokens[0] != tokens[1]
    query = _hub_query(hub.slug, aliases=4)  # costs 12 of the 30
    # when: each token asks once, then the first again
    first = await http.post("/graphql", json={"query": query}, headers=tokens[0])
    second = await http.post("/graphql", json={"query": query}, headers=tokens[1])
    third = await http.post("/graphql", json={"query": query}, headers=tokens[0])
    # then: the second saw what the first spent, and the third found the client's budget spent
    assert first.status_code == second.status_code == 200
    assert first.json()["extensions"]["cost"]["remaining"] == 18
    assert second.json()["extensions"]["cost"]["remaining"] == 6
    assert third.status_code == 429
    assert third.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # and: the admin who registered it still has their own budget
    own = await http.post("/graphql", json={"query": query}, headers=admin.headers)
    assert own.status_code == 200
    assert own.json()["extensions"]["cost"]["remaining"] == 18
