"""The API client and connected-app lists run as many statements for 1 row as for 5: the
clients, organisations and hub behind them come through DataLoaders (no N+1)."""

import uuid
from typing import Any

from app.actor import Actor
from app.auth import service as auth
from app.oauth.models import ApiClient, OAuthGrant
from app.organisations import service as organisations
from app.people.models import Role
from tests.helpers import count_sql

CONNECTED = "query { myConnectedApps { clientName ownerName scopes scopeDescriptions } }"
CLIENTS = """
query { apiClients(first: 20) { edges { node {
  clientId name organisation { name } usage { requests errors { code count } }
} } } }
"""


async def _clients(hub: Any, admin: Any, member: Any, count: int) -> None:
    for n in range(count):
        org = await organisations.create_organisation(
            actor=Actor(member=admin.member), name=f"Org {uuid.uuid4().hex[:6]}", kind="charity"
        )
        client = await ApiClient.create(
            hub_id=hub.id,
            organisation_id=org.id,
            registered_by_id=admin.member.id,
            client_id=f"chc_{uuid.uuid4().hex[:16]}",
            name=f"App {n}",
            scopes=["profile:read"],
            secret_hash="$argon2id$unused",
        )
        await OAuthGrant.create(
            hub_id=hub.id, client_id=client.id, member_id=member.member.id, scopes=["profile:read"]
        )


async def _statements(gql: Any, person: Any, query: str) -> tuple[int, Any]:
    await auth.authenticate(person.token)  # seen before, as an app's token is
    with count_sql() as counter:
        data = await gql(query, as_=person)
    return len(counter.statements), data


async def test_lists_cost_the_same_for_one_and_five_rows(
    gql: Any, hub: Any, other_hub: Any, make_person: Any
) -> None:
    # given: one hub with 1 client, another with 5 (each connected to a member)
    from tests.helpers import create_person

    counts = []
    for place, rows in ((hub, 1), (other_hub, 5)):
        admin = await create_person(hub=place, roles=[Role.HUB_ADMIN])
        member = await create_person(hub=place)
        await _clients(place, admin, member, rows)
        # when
        connected, apps = await _statements(gql, member, CONNECTED)
        listed, clients = await _statements(gql, admin, CLIENTS)
        # then
        assert len(apps["myConnectedApps"]) == rows
        assert len(clients["apiClients"]["edges"]) == rows
        counts.append((connected, listed))
    assert counts[0] == counts[1], counts
