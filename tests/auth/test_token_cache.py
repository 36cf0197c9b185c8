"""Recently seen access tokens cost no statement, and a revoked one stops working at once in
this process and within REVOKED_WITHIN seconds in another one (app/auth/cache.py)."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.actor import Actor
from app.auth import cache as auth_cache
from app.auth import service as auth
from app.people import service as people
from app.people.models import Member, MemberStatus, Role
from tests.clients.live import LiveAPI, serve
from tests.helpers import count_sql

VIEWER = "query { viewer { id displayName } }"
LOGOUT = "mutation { logout { ok errors { code message } } }"
MEMBERS = "query { members(first: 1) { edges { node { id } } } }"
# Another process hears a revocation through Redis pub/sub: milliseconds on loopback; the
# test allows this much (its TTL, CH_AUTH_CACHE_SECONDS, is 30 s: well beyond it).
REVOKED_WITHIN = 2.0


async def _live_cache() -> None:
    """Waits until this process is subscribed to the revocation channel (entries are served
    only then)."""
    assert await auth_cache.ready(5), "the revocation channel did not come up"


async def test_a_seen_token_costs_no_statement_and_a_new_one_costs_one(alice: Any) -> None:
    # given: a token this process has not seen
    await _live_cache()
    auth_cache.clear()
    # when
    with count_sql() as first:
        actor = await auth.authenticate(alice.token)
    with count_sql() as second:
        again = await auth.authenticate(alice.token)
    # then
    assert len(first.statements) == 1, first.statements
    assert len(second.statements) == 0, second.statements
    assert actor.member_id == again.member_id == alice.member.id
    assert actor.roles == again.roles == frozenset({Role.MEMBER})
    assert actor.member is not again.member  # fresh objects: one request cannot touch another's
    assert again.member.hub.id == alice.member.hub_id


async def test_a_remembered_token_gives_each_request_models_of_its_own(alice: Any) -> None:
    # given: a remembered token, and the member as the database has it
    await _live_cache()
    auth_cache.clear()
    first = await auth.authenticate(alice.token)
    stored = await Member.get(id=alice.member.id).prefetch_related("hub")
    # when two more requests authenticate from the cache, and one changes its objects
    second = await auth.authenticate(alice.token)
    third = await auth.authenticate(alice.token)
    second.member.display_name = "Changed by one request"
    second.member.hub.name = "Changed too"
    second.member._await_when_save["x"] = lambda: asyncio.sleep(0)
    # then the other request's objects are untouched, with the database's values
    for actor in (first, third):
        assert actor.member.display_name == stored.display_name == "Alice"
        assert actor.member.hub.name == stored.hub.name
        assert actor.member._await_when_save == {}
    names = [f for f in Member._meta.db_fields if f != "hub_id"]
    assert {f: getattr(third.member, f) for f in names} == {f: getattr(stored, f) for f in names}
    assert third.member._saved_in_db and not third.member._partial


async def test_logout_ends_the_token_at_once_in_this_process(gql: Any, alice: Any) -> None:
    # given: the token is remembered
    await _live_cache()
    assert (await gql(VIEWER, as_=alice))["viewer"]["displayName"] == "Alice"
    assert (await gql(VIEWER, as_=alice))["viewer"] is not None
    # when
    assert (await gql(LOGOUT, as_=alice))["logout"]["ok"] is True
    # then
    answer = await gql.raw(VIEWER, as_=alice)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_role_granted_or_taken_applies_to_the_next_request(
    gql: Any, make_person: Any
) -> None:
    # given
    await _live_cache()
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person(display_name="Bob")
    refused = await gql.raw(MEMBERS, as_=bob)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin_actor = await auth.authenticate(admin.token)
    # when
    await people.grant_role(actor=admin_actor, member_id=bob.member.id, role=Role.MODERATOR)
    # then
    assert "errors" not in await gql.raw(MEMBERS, as_=bob)
    # when
    await people.revoke_role(actor=admin_actor, member_id=bob.member.id, role=Role.MODERATOR)
    # then
    assert (await gql.raw(MEMBERS, as_=bob))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_suspended_member_is_refused_at_once(gql: Any, alice: Any) -> None:
    # given
    await _live_cache()
    assert (await gql(VIEWER, as_=alice))["viewer"] is not None
    # when: saved through the model (a queryset update calls auth_cache.forget itself)
    member = await Member.get(id=alice.member.id)
    member.status = MemberStatus.SUSPENDED
    await member.save(update_fields=["status"])
    # then
    answer = await gql.raw(VIEWER, as_=alice)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _until_refused(client: httpx.AsyncClient, url: str, token: str) -> float:
    """Seconds until the other process refuses the token (it remembered it before)."""
    started = time.monotonic()
    while time.monotonic() - started < 10:
        body = (
            await client.post(
                url, json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            return time.monotonic() - started
        await asyncio.sleep(0.02)
    raise AssertionError("the other process still accepts the revoked token after 10 s")


@pytest.fixture(scope="module")
def other_process(database: str) -> Iterator[LiveAPI]:
    """One `communityhub serve` for the module: each test signs in a new member of a new hub,
    so none depends on a fresh process."""
    with serve() as api:
        yield api


@pytest.mark.exclusive  # refused within REVOKED_WITHIN seconds
@pytest.mark.parametrize("how", ["logout", "suspension", "password reset"])
async def test_a_revoked_token_stops_working_in_another_process_too(
    alice: Any, how: str, other_process: LiveAPI
) -> None:
    api = other_process
    async with httpx.AsyncClient(timeout=10) as client:
        # given: the other process has seen the token (twice: the second from its cache)
        for _ in range(2):
            body = (
                await client.post(api.graphql, json={"query": VIEWER}, headers=alice.headers)
            ).json()
            assert body["data"]["viewer"]["displayName"] == "Alice", body
        # when
        if how == "logout":
            await auth.logout(actor=await _actor_of(alice))
        elif how == "suspension":
            await Member.filter(id=alice.member.id).update(status=MemberStatus.SUSPENDED)
            await auth_cache.forget(member_id=alice.member.id)
        else:
            from app.auth import tokens
            from app.auth.models import TokenKind

            raw, _ = await tokens.issue(
                kind=TokenKind.RESET_PASSWORD,
                hub_id=alice.member.hub_id,
                member_id=alice.member.id,
            )
            await auth.reset_password(token=raw, new_password="another sturdy phrase 7")
        # then
        took = await _until_refused(client, api.graphql, alice.token)
    assert took < REVOKED_WITHIN, took


async def _actor_of(person: Any) -> Actor:
    return await auth.authenticate(person.token)
