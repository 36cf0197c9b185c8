"""Guests are denied by default everywhere (issue 22, review): a guest's session of hub B
(app/federation/guests.py) cannot connect an OAuth app, post through Open311, read what only
B's members read, open a subscription, act for anyone or be acted for; suspension at home ends
its OAuth tokens too; and every operation the policy table does not open to guests refuses
them."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.auth import service as auth
from app.civic.errors import CivicErrorCode
from app.civic.problems import reports
from app.civic.problems.models import ProblemReport
from app.errors import AccessDenied, DomainError, NotAuthenticated
from app.federation import guests
from app.moderation import suspensions
from app.oauth import bearer, clients
from app.oauth.models import OAuthGrant, OAuthToken, OAuthTokenKind
from app.people import proxy
from app.people.models import Member, ProxyLink, Role
from app.policy import registry
from app.policy.rules import SIGNED_IN, SIGNED_IN_OR_GUEST
from app.policy.viewer import Viewer
from schema import schema
from schema.context import Context
from schema.loaders import Loaders
from tests.federation.conftest import actor
from tests.federation.test_guests import ENTER, World, _guest, gid
from tests.federation.test_guests import bearer as bearer_header
from tests.federation.test_guests import world as world
from tests.helpers import create_person

REDIRECT_URI = "https://app.example.org/callback"


async def _guest_session(gql: Any, world: World) -> tuple[Member, dict[str, str]]:
    """Paola's guest in B, with an application there, and the headers of its session."""
    await world.pair.link()
    await guests.apply(actor=actor(world.paola), opportunity_id=(await world.post()).id)
    entered = await gql(ENTER, {"input": {"partnerHubSlug": world.pair.other.slug}},
                        as_=world.paola)  # fmt: skip
    return await _guest(world), bearer_header(entered["enterPartnerHub"]["session"]["accessToken"])


async def _oauth_client(world: World) -> Any:
    client, _secret = await clients.register(
        actor=actor(world.pair.other_admin, Role.HUB_ADMIN),
        name="Rota app",
        redirect_uris=[REDIRECT_URI],
        scopes=["profile:read"],
    )
    return client


async def test_a_guest_cannot_connect_an_oauth_app(app: Any, gql: Any, world: World) -> None:
    # given: Paola's guest session in B and an app of B
    guest, headers = await _guest_session(gql, world)
    client = await _oauth_client(world)
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "profile:read",
        "state": "s",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSfjhJwM",
        "code_challenge_method": "S256",
        "decision": "allow",
    }
    # when: she allows the app with her guest session's token
    transport = httpx.ASGITransport(app=app)  # OAuth 2 wants https
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as tls:
        page = await tls.post("/oauth/authorize", data=params, headers=headers)
    # then: the consent page again, refusing; no grant, no code
    assert page.status_code == 401, page.text
    assert not await OAuthGrant.filter(member_id=guest.id).exists()


async def test_a_guests_oauth_tokens_are_refused_and_suspension_at_home_revokes_them(
    gql: Any, world: World
) -> None:
    # given: a grant and tokens of the guest in B (as written before guests were refused)
    guest, _headers = await _guest_session(gql, world)
    client = await _oauth_client(world)
    grant = await OAuthGrant.create(
        hub_id=guest.hub_id, client_id=client.id, member_id=guest.id, scopes=["profile:read"]
    )
    raw = bearer.new_token(OAuthTokenKind.ACCESS)
    later = datetime.now(UTC) + timedelta(hours=1)
    for kind, token in ((OAuthTokenKind.ACCESS, raw), (OAuthTokenKind.REFRESH, "chor_x")):
        await OAuthToken.create(
            hub_id=guest.hub_id, client_id=client.id, grant_id=grant.id, member_id=guest.id,
            kind=kind, token_hash=bearer.digest(token), scopes=["profile:read"], expires_at=later,
        )  # fmt: skip
    # when: the app calls the API with the access token
    body = await gql.raw("{ viewer { displayName } }", headers=bearer_header(raw))
    # then: refused
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
    # when: A's moderator suspends Paola at home
    moderator = await create_person(hub=world.pair.hub, roles=[Role.MODERATOR])
    async with in_transaction():
        await suspensions.suspend(
            actor=actor(moderator, Role.MODERATOR), member_id=world.paola.member.id, reason="x"
        )
    # then: the guest's grant and both tokens are revoked
    assert (await OAuthGrant.get(id=grant.id)).revoked_at is not None
    assert not await OAuthToken.filter(member_id=guest.id, revoked_at=None).exists()


async def test_a_guest_cannot_post_through_open311_nor_report_a_problem(
    http: Any, gql: Any, world: World
) -> None:
    # given: Paola's guest session in B
    guest, headers = await _guest_session(gql, world)
    token = headers["Authorization"].removeprefix("Bearer ")
    form = {"service_code": "fly-tipping", "lat": "53.48", "long": "-2.24", "api_key": token}
    # when: she posts a service request in B with it
    posted = await http.post(f"/open311/{world.pair.other.slug}/v2/requests.json", data=form)
    # then: 403, nothing written
    assert posted.status_code == 403, posted.text
    assert posted.json()[0]["code"] == 403
    assert not await ProblemReport.filter(hub_id=world.pair.other.id).exists()
    # when: the reports service is called as the guest, then: FORBIDDEN
    with pytest.raises(DomainError) as refused:
        await reports.report_problem(
            actor=guests.guest_actor(guest),
            category_id=1,
            location=(53.48, -2.24),
            description="Mattress by the bins",
        )
    assert refused.value.code == CivicErrorCode.FORBIDDEN
    assert not await ProblemReport.filter(hub_id=world.pair.other.id).exists()


async def test_authenticate_refuses_a_guest_unless_the_caller_opts_in(
    gql: Any, world: World
) -> None:
    # given / when: the guest session's token, for a non-GraphQL caller (Open311, city data,
    # consent), authenticates nothing
    _guest_member, headers = await _guest_session(gql, world)
    with pytest.raises(NotAuthenticated):
        await auth.authenticate(headers["Authorization"].removeprefix("Bearer "))
    # then: only the GraphQL API opts in
    signed = await auth.authenticate(headers["Authorization"].removeprefix("Bearer "), guests=True)
    assert signed.guest


MEMBER_FIELDS = """query($id: ID!) { node(id: $id) { ... on Member {
  displayName availability { weekday } impact { total { shares } }
  organisations { edges { node { role } } } } } }"""


async def test_a_guest_reads_what_anyone_may_not_what_only_members_may(
    gql: Any, world: World
) -> None:
    # given: Paola's guest session in B; Pedro, a member of B
    guest, headers = await _guest_session(gql, world)
    pedro = world.pair.payee
    # when: she reads Pedro's member-only fields
    body = await gql.raw(MEMBER_FIELDS, {"id": pedro.gid}, headers=headers)
    # then: his public name, nothing a member of B alone reads
    node = (body.get("data") or {}).get("node") or {}
    assert node.get("displayName") == "Pedro", body
    assert node.get("availability") is None and node.get("impact") is None, body
    assert not (node.get("organisations") or {}).get("edges"), body
    # and a member of B reads them
    member = await gql.raw(MEMBER_FIELDS, {"id": pedro.gid}, as_=world.olga)
    assert member["data"]["node"]["impact"] is not None, member
    # and she still reads her own Member row, her applications and their opportunities
    own = await gql(
        "query($id: ID!) { node(id: $id) { ... on Member { displayName email } } }",
        {"id": gid("Member", guest.id)},
        headers=headers,
    )
    assert own["node"]["displayName"] == "Paola"
    mine = await gql(
        "{ myApplications(first: 5) { edges { node { id opportunity { title } } } } }",
        headers=headers,
    )
    [edge] = mine["myApplications"]["edges"]
    assert edge["node"]["opportunity"]["title"] == "Help with gardening"


def test_signed_in_does_not_hold_for_a_guest_unless_the_rule_says_so() -> None:
    # given: a guest, and a member
    guest = Actor(member=Member(id=1, hub_id=1, home_member_id=9), roles=frozenset({Role.MEMBER}))
    member = Actor(member=Member(id=2, hub_id=1), roles=frozenset({Role.MEMBER}))
    # then
    assert SIGNED_IN.quick(Viewer.of(guest), None) is False
    assert SIGNED_IN.quick(Viewer.of(member), None) is True
    assert SIGNED_IN_OR_GUEST.quick(Viewer.of(guest), None) is True
    assert SIGNED_IN_OR_GUEST.quick(Viewer.of(member), None) is True


async def test_a_guest_cannot_open_a_subscription(gql: Any, world: World) -> None:
    # given: Paola's guest in B, as the socket's actor
    guest, _headers = await _guest_session(gql, world)
    context = Context(
        request=None,  # type: ignore[arg-type]
        response=None,
        actor=guests.guest_actor(guest),
        hub_id=guest.hub_id,
        loaders=Loaders(guest.hub_id),
    )
    # when
    stream = await schema.subscribe(
        "subscription { notificationAdded { title } }", context_value=context
    )
    # then: refused before it opens: the first answer is the error, at once (an open stream
    # would wait for a notification)
    first = await asyncio.wait_for(anext(stream), 10) if hasattr(stream, "__anext__") else stream
    errors = getattr(first, "errors", None)
    assert errors and "not open to guests" in errors[0].message, first


async def test_a_guest_coordinator_acts_for_no_one_and_no_one_acts_for_a_guest(
    gql: Any, world: World
) -> None:
    # given: the guest of B as a coordinator with a proxy link to Pedro, and B's coordinator
    # with a proxy link to the guest (rows a guest's hub could never have written)
    guest, _headers = await _guest_session(gql, world)
    guest = await Member.get(id=guest.id)
    pedro = world.pair.payee.member
    coordinator = await create_person(hub=world.pair.other, roles=[Role.COORDINATOR])
    await ProxyLink.create(hub_id=guest.hub_id, coordinator_id=guest.id, member_id=pedro.id)
    await ProxyLink.create(
        hub_id=guest.hub_id, coordinator_id=coordinator.member.id, member_id=guest.id
    )
    # when / then: the guest cannot act for Pedro
    as_guest = Actor(member=guest, roles=frozenset({Role.MEMBER, Role.COORDINATOR}))
    with pytest.raises(AccessDenied):
        await proxy.act_for(coordinator=as_guest, member_id=pedro.id)
    # and: B's coordinator cannot act for the guest
    with pytest.raises(AccessDenied):
        await proxy.act_for(coordinator=actor(coordinator, Role.COORDINATOR), member_id=guest.id)
    # and: an actor acted for by a guest is a guest all the same
    assert Actor(member=pedro, acted_by=guest).guest


async def test_every_operation_not_open_to_guests_refuses_a_guest(gql: Any, world: World) -> None:
    # given: the guest of B as the caller of every root field of the schema
    guest, _headers = await _guest_session(gql, world)
    context = Context(
        request=None,  # type: ignore[arg-type]
        response=None,
        actor=guests.guest_actor(guest),
        hub_id=guest.hub_id,
        loaders=Loaders(guest.hub_id),
    )
    info = type("Info", (), {"context": context})()
    table = registry.table()
    gs = schema._schema
    roots: list[tuple[GraphQLObjectType | None, dict[str, Any]]] = [
        (gs.query_type, table.queries),
        (gs.mutation_type, table.mutations),
        (gs.subscription_type, table.subscriptions),
    ]
    checked = 0
    for root, entries in roots:
        assert root is not None
        for name, field in root.fields.items():
            entry = entries[name]
            if entry.guests:
                continue
            # when: the guarded resolver (and subscribe) runs for the guest
            for call in (field.resolve, field.subscribe):
                if call is None:
                    continue
                try:
                    answer = call(None, info)
                except AccessDenied:
                    continue
                # then: refused, as an error or a FORBIDDEN payload (mutations)
                errors = getattr(answer, "errors", None)
                assert errors, (name, answer)
                code = errors[0].code
                assert str(getattr(code, "name", code)).upper() == "FORBIDDEN", (name, answer)
            checked += 1
    assert checked > 100
    await asyncio.sleep(0)
