"""Payments between two installations: two real `serve` processes on loopback, each with its own
database, talking signed HTTP messages. A fault at each step of the protocol (a process killed,
a message lost or repeated, a timeout), then the recovery job: both sides end committed, or both
voided, and both books balance."""

import asyncio
import json
import os
import random
import re
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from app.federation import signing
from app.migrate import create_database, drop_database
from tests.conftest import _clone_template
from tests.federation.installations import Installation, hub_and_link, new_installation

SERVERS = ("PYTEST_CH_SERVER_DATABASE_URL", "PYTEST_CH_SERVER_REDIS_URL")
TEMPLATE = "PYTEST_CH_TEMPLATE_DATABASE_URL"


@pytest.fixture(scope="module")
def linked() -> Iterator[tuple[Installation, Installation]]:
    """Installation A (hub `city-a`, payer Ada with 1000) and B (hub `city-b`, payee Bo),
    linked 1:1 (B lends A's members 300, A lends B's 300), set up once per module with their
    own code; each test runs on copies of the two databases (same ports, same keys)."""
    server_db, redis_url = (os.environ[n] for n in SERVERS)
    base = new_installation("base", server_db, redis_url)
    a = new_installation("city-a", server_db, redis_url)
    b = new_installation("city-b", server_db, redis_url)
    made = []
    try:
        template = os.environ.get(TEMPLATE)  # under xdist: the run's migrated template
        if template is None:
            asyncio.run(create_database(base.database_url))
            made.append(base)
            base.cli("migrate")
        for inst in (a, b):
            if template is None:
                asyncio.run(_clone(inst.database_url, _name(base)))
            else:
                asyncio.run(_clone_template(template, inst.database_url))
            made.append(inst)
        hub_and_link(a, b, fund_a=1000, limit_a=300, limit_b=300)
        yield a, b
    finally:
        for inst in made:
            asyncio.run(drop_database(inst.database_url))


def _name(inst: Installation) -> str:
    return inst.database_url.rsplit("/", 1)[1]


async def _clone(database_url: str, template: str) -> None:
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(server.replace("asyncpg://", "postgresql://"))
    try:
        name = database_url.rsplit("/", 1)[1]
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()


@pytest.fixture
async def two(linked: tuple[Installation, Installation]) -> Any:
    """Both installations running on fresh copies of the linked databases."""
    server_db, redis_url = (os.environ[n] for n in SERVERS)
    pair = []
    for original in linked:
        copy = new_installation(original.name, server_db, redis_url)
        copy.port, copy.info = original.port, original.info
        pair.append((original, copy))
    try:
        for original, copy in pair:
            await _clone(copy.database_url, _name(original))
            copy.launch()
        for _, copy in pair:
            copy.wait_up()
        yield tuple(copy for _, copy in pair)
    finally:
        for _, copy in pair:
            copy.stop(kill=True)
            await drop_database(copy.database_url)


async def agree(a: Installation, b: Installation) -> dict[str, int]:
    """Both sides agree on every payment, and both books balance."""
    mine, theirs = await a.payments(), await b.payments()
    states: dict[str, int] = {}
    for payment_id, state in mine.items():
        assert state in ("committed", "voided"), (payment_id, state)
        assert theirs.get(payment_id, "voided") == state, (payment_id, state, theirs)
        states[state] = states.get(state, 0) + 1
    assert set(theirs) <= set(mine)
    assert (await a.books(), await b.books()) == (0, 0)
    assert await a.clearing() == -(await b.clearing())
    held = await a.rows("SELECT coalesce(sum(held), 0)::int AS h FROM account")
    held_b = await b.rows("SELECT coalesce(sum(held), 0)::int AS h FROM account")
    assert (held[0]["h"], held_b[0]["h"]) == (0, 0)
    return states


async def balance(inst: Installation, person: str) -> int:
    rows = await inst.rows(
        "SELECT balance FROM account WHERE member_id = $1", inst.info["people"][person]["id"]
    )
    return int(rows[0]["balance"]) if rows else 0


async def test_a_payment_commits_on_both_sides_and_one_over_the_limit_is_voided_on_both(
    two: Any,
) -> None:
    a, b = two
    paid = a.pay("Ada", b, "Bo", 40)
    assert paid["errors"] == [] and paid["transfer"]["status"] == "POSTED"
    assert await agree(a, b) == {"committed": 1}
    assert (await balance(a, "Ada"), await balance(b, "Bo")) == (960, 40)
    assert (await a.clearing(), await b.clearing()) == (40, -40)
    # when: more than what B still lends A's members (300 - 40)
    refused = a.pay("Ada", b, "Bo", 261)
    # then: refused there, nothing written there, voided here
    assert [e["code"] for e in refused["errors"]] == ["OVER_LINK_LIMIT"]
    assert await agree(a, b) == {"committed": 1, "voided": 1}
    assert len(await b.payments()) == 1
    assert (await balance(a, "Ada"), await b.clearing()) == (960, -40)


# Each fault in turn on one pair of installations (a pair costs two database copies and two
# server starts: one per fault made these the suite's slowest setups).
FAULTS = [
    {"lose": ["prepare"]},  # PREPARE lost
    {"lose_answer": ["prepare"]},  # prepared there, the answer lost
    {"lose": ["commit"]},  # COMMIT lost
    {"lose_answer": ["commit"]},  # committed there, the answer lost
    {"repeat": ["prepare", "commit"]},  # every message arrives twice
]


async def test_a_lost_or_repeated_message_ends_committed_on_both(two: Any) -> None:
    a, b = two
    for paid, fault in enumerate(FAULTS, start=1):
        a.start(faults=fault)
        a.pay("Ada", b, "Bo", 25)
        # when: the worker's recovery job runs (without the fault)
        a.cli("federation-recover")
        # then
        assert await agree(a, b) == {"committed": paid}, fault
        assert (await balance(a, "Ada"), await balance(b, "Bo")) == (
            1000 - 25 * paid,
            25 * paid,
        ), fault


async def test_a_partner_killed_after_preparing_ends_committed_on_both(two: Any) -> None:
    a, b = two
    b.start(faults={"crash_after": ["prepare"]})
    paid = a.pay("Ada", b, "Bo", 30)
    assert paid["transfer"]["status"] == "PENDING"
    assert not b.alive()
    assert set((await b.payments()).values()) == {"prepared"}
    a.cli("federation-recover")  # B is down: still pending
    assert set((await a.payments()).values()) == {"preparing"}
    b.start()
    a.cli("federation-recover")
    assert await agree(a, b) == {"committed": 1}


async def test_a_partner_killed_after_committing_ends_committed_on_both(two: Any) -> None:
    a, b = two
    b.start(faults={"crash_after": ["commit"]})
    a.pay("Ada", b, "Bo", 30)
    assert set((await a.payments()).values()) == {"committing"}
    b.start()
    a.cli("federation-recover")
    assert await agree(a, b) == {"committed": 1}


async def test_the_payer_killed_before_sending_ends_committed_on_both(two: Any) -> None:
    a, b = two
    a.start(faults={"crash_before": ["prepare"]})
    with pytest.raises(httpx.HTTPError):
        a.pay("Ada", b, "Bo", 30)
    assert set((await a.payments()).values()) == {"preparing"}  # the hold was committed
    a.start()
    a.cli("federation-recover")
    assert await agree(a, b) == {"committed": 1}


async def test_a_timeout_then_recovery_ends_committed_on_both(two: Any) -> None:
    a, b = two
    b.start(faults={"delay": {"prepare": 3}})  # A gives up after 2 s
    paid = a.pay("Ada", b, "Bo", 30)
    assert paid["transfer"]["status"] == "PENDING"
    await asyncio.sleep(1.5)  # B finishes preparing meanwhile
    a.cli("federation-recover", CH_FEDERATION_TIMEOUT_SECONDS="10")
    assert await agree(a, b) == {"committed": 1}


async def test_a_partner_down_past_the_deadline_ends_voided_on_both(two: Any) -> None:
    a, b = two
    deadline = {"CH_FEDERATION_DEADLINE_SECONDS": "1", "CH_FEDERATION_MARGIN_SECONDS": "1"}
    a.start(**deadline)
    b.stop(kill=True)
    paid = a.pay("Ada", b, "Bo", 30)
    assert paid["transfer"]["status"] == "PENDING"
    await asyncio.sleep(2.5)
    a.cli("federation-recover", **deadline)  # voided here; VOID not delivered yet
    assert set((await a.payments()).values()) == {"voiding"}
    b.start()
    a.cli("federation-recover", **deadline)
    assert await agree(a, b) == {"voided": 1}
    assert await balance(a, "Ada") == 1000


async def test_many_payments_with_random_faults_end_in_agreement(two: Any) -> None:
    # given: a seeded run of payments both small and over the limit, each message meeting a
    # random fault (lost, answer lost, repeated) one time in three
    a, b = two
    seed = 2026
    rng = random.Random(seed)
    a.start(faults={"random": 0.33}, CH_FEDERATION_FAULT_SEED=str(seed))
    for _ in range(30):
        a.pay("Ada", b, "Bo", rng.choice([5, 10, 20, 60]))
    # when: the recovery job runs until nothing is pending (still meeting faults)
    for _ in range(15):
        pending = [s for s in (await a.payments()).values() if s not in ("committed", "voided")]
        if not pending:
            break
        a.cli("federation-recover", faults={"random": 0.33},
              CH_FEDERATION_FAULT_SEED=str(rng.random()))  # fmt: skip
    # then: both sides agree, the limit held, both books balance
    states = await agree(a, b)
    assert sum(states.values()) == 30 and states.get("committed", 0) > 0
    assert await b.clearing() >= -300
    assert await balance(b, "Bo") == await a.clearing()


async def test_concurrent_payments_between_installations_hold_the_partners_limit(
    two: Any,
) -> None:
    # given: B lends A's members 300; Ada has 1000
    a, b = two
    # when: 24 payments of 20 race (480 asked, at most 15 fit)
    results = await asyncio.gather(
        *(asyncio.to_thread(a.pay, "Ada", b, "Bo", 20) for _ in range(24))
    )
    a.cli("federation-recover")
    # then: the limit held on B's side, both sides agree, both books balance
    codes = [r["errors"][0]["code"] if r["errors"] else "OK" for r in results]
    assert set(codes) <= {"OK", "OVER_LINK_LIMIT"}, codes
    states = await agree(a, b)
    assert states["committed"] == 15 and await b.clearing() == -300
    assert await balance(b, "Bo") == 300


async def test_reconciliation_finds_the_books_agree_and_reports_a_difference(two: Any) -> None:
    a, b = two
    a.pay("Ada", b, "Bo", 40)
    report = a.cli("federation-reconcile")
    assert "'difference': 0" in report
    # a difference: B's clearing account changed behind the protocol's back
    conn_sql = (
        "WITH c AS (UPDATE account SET balance = balance - 1 WHERE kind = 'clearing' RETURNING 1)"
        " UPDATE account SET balance = balance + 1 WHERE member_id = $1"
    )
    await b.rows(conn_sql, b.info["people"]["Bo"]["id"])
    report = a.cli("federation-reconcile")
    assert "'difference': -1" in report
    rows = await a.rows(
        "SELECT data FROM audit_event WHERE action = 'federation.reconcile_difference'"
    )
    assert len(rows) == 1 and json.loads(rows[0]["data"])["difference"] == -1


# ---- bad input: refused, nothing written ------------------------------------------------


def _signed(a: Installation, b: Installation, body: dict[str, Any], key: str) -> Any:
    raw = json.dumps({"pair": a.info["pair"], **body}).encode()
    url = f"{b.url}/federation/messages"
    headers = signing.sign(url, raw, key_id=f"{a.info['pair']}:{a.name}", private_pem=key)
    return url, raw, headers


async def test_forged_replayed_and_unknown_messages_are_refused_and_write_nothing(
    two: Any,
) -> None:
    a, b = two
    a.pay("Ada", b, "Bo", 10)
    before = await b.counts()
    prepare = {
        "type": "prepare", "payment_id": "0f6c3a5e-0000-4000-8000-000000000001", "amount": 5,
        "payee_id": b.info["people"]["Bo"]["id"], "deadline": "2999-01-01T00:00:00+00:00",
    }  # fmt: skip
    # forged: signed with another key
    forger, _ = signing.new_key_pair()
    own_key = a.setup({"op": "link_data", "slug": a.name, "link_id": a.info["link_id"]})["own_key"]
    async with httpx.AsyncClient() as http:
        url, raw, headers = _signed(a, b, prepare, key=forger)
        assert (await http.post(url, content=raw, headers=headers)).status_code == 401
        # a signature taken from one message and replayed with another body
        url, raw, headers = _signed(a, b, prepare, key=own_key)
        tampered = raw.replace(b'"amount": 5', b'"amount": 500')
        assert (await http.post(url, content=tampered, headers=headers)).status_code == 401
        # no signature at all
        assert (await http.post(url, content=raw)).status_code == 401
        # a message for an unknown payment
        commit = {"type": "commit", "payment_id": "0f6c3a5e-0000-4000-8000-000000000002"}
        url, raw, headers = _signed(a, b, commit, key=own_key)
        response = await http.post(url, content=raw, headers=headers)
        assert (response.status_code, response.json()) == (404, {"error": "unknown_payment"})
        assert await b.counts() == before
        # a real message replayed: answered as the first time, nothing written again
        payment_id = next(iter(await a.payments()))
        url, raw, headers = _signed(a, b, {"type": "commit", "payment_id": payment_id}, own_key)
        for _ in range(2):
            response = await http.post(url, content=raw, headers=headers)
            assert response.json() == {"state": "committed"}
    assert await b.counts() == before


# ---- linked accounts across the two installations (app/federation/remote_accounts.py) -----

REQUEST_LINK = """
mutation($input: RequestAccountLinkInput!) {
  requestAccountLink(input: $input) {
    link { id status hubName hubSlug askedByMe remote } errors { code field }
  }
}"""
CONFIRM_LINK = """
mutation($input: ConfirmAccountLinkInput!) {
  confirmAccountLink(input: $input) { link { id status askedByMe remote } errors { code } }
}"""
REMOVE_LINK = """
mutation($input: RemoveAccountLinkInput!) {
  removeAccountLink(input: $input) { removedLinkId errors { code } }
}"""
ACCOUNT_LINKS = "{ accountLinks { id status hubSlug askedByMe remote } }"
HOURS_BY_HUB = """
{ portfolio { combinedMinutes
  hoursByHub { hubName hubSlug linked minutes servicesDelivered fetchedAt } } }"""
ERASE = """
mutation($input: EraseAccountInput!) { eraseAccount(input: $input) { errors { code } } }"""


def gql(inst: Installation, query: str, variables: Any = None, as_: str | None = None) -> Any:
    headers = {"CH-Hub": inst.name}
    if as_ is not None:
        headers["Authorization"] = f"Bearer {inst.info['people'][as_]['token']}"
    response = httpx.post(
        f"{inst.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=30,
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


async def link_tokens(inst: Installation, email: str) -> list[str]:
    """The account-link tokens emailed (queued) to `email` there, oldest first."""
    rows = await inst.rows("SELECT payload FROM outbox_job WHERE name = 'send_email' ORDER BY id")
    found = []
    for row in rows:
        payload = json.loads(row["payload"])
        if payload["to"] == email:
            found += re.findall(r"chl_[A-Za-z0-9_-]+", payload["text"])
    return found


async def account_links(inst: Installation) -> list[dict[str, Any]]:
    return await inst.rows(
        "SELECT status, ref::text AS ref, member_a_id, member_b_id, remote_member_id,"
        " remote_minutes, fetched_at FROM account_link ORDER BY id"
    )


def ask(a: Installation, b: Installation, email: str) -> dict[str, Any]:
    data = gql(a, REQUEST_LINK, {"input": {"hubSlug": b.name, "email": email}}, as_="Ada")
    assert data["requestAccountLink"]["errors"] == [], data
    return data["requestAccountLink"]["link"]  # type: ignore[no-any-return]


async def linked_across(a: Installation, b: Installation) -> None:
    """Ada (A) links her account with Bo's (B, the same person) through GraphQL and the token
    emailed by B."""
    asked = ask(a, b, b.info["people"]["Bo"]["email"])
    assert asked == {**asked, "status": "PENDING", "hubSlug": b.name, "askedByMe": True,
                     "remote": True}  # fmt: skip
    token = (await link_tokens(b, b.info["people"]["Bo"]["email"]))[-1]  # the latest ask's
    data = gql(b, CONFIRM_LINK, {"input": {"token": token}})
    assert data["confirmAccountLink"] == {
        "link": {**data["confirmAccountLink"]["link"], "status": "ACTIVE", "askedByMe": False,
                 "remote": True},
        "errors": [],
    }  # fmt: skip


async def test_accounts_linked_across_installations(two: Any) -> None:
    """One test on one fresh pair of installations (each costs two database copies and two
    server starts): refusals first, then a link shown and removed, then one erased."""
    a, b = two
    await refused_messages_write_nothing(a, b)
    await linked_shows_the_remote_hours_until_removed(a, b)
    await erasure_removes_the_link_on_both_sides_once_the_partner_is_told(a, b)


async def linked_shows_the_remote_hours_until_removed(a: Installation, b: Installation) -> None:
    # given: Bo has 75 verified minutes in B (two services)
    bo = b.info["people"]["Bo"]
    assert b.setup({"op": "hours", "slug": b.name, "volunteer_id": bo["id"],
                    "minutes": [45, 30]}) == 75  # fmt: skip
    # when: Ada links her account with Bo's (B's email token), B telling A at once
    await linked_across(a, b)
    # then: active on both sides, each knowing the other account
    [mine], [theirs] = await account_links(a), await account_links(b)
    assert (mine["status"], theirs["status"]) == ("active", "active")
    assert mine["ref"] == theirs["ref"]
    assert (mine["remote_member_id"], theirs["remote_member_id"]) == (
        bo["id"], a.info["people"]["Ada"]["id"],
    )  # fmt: skip
    assert gql(a, ACCOUNT_LINKS, as_="Ada")["accountLinks"][0]["status"] == "ACTIVE"
    # no hours shown before they were fetched: a portfolio read never asks B
    by_hub = gql(a, HOURS_BY_HUB, as_="Ada")["portfolio"]["hoursByHub"]
    assert [h["hubSlug"] for h in by_hub] == [a.name]
    # when: the link sync runs on A (the worker's cron)
    assert "'fetched': 1" in a.cli("federation-account-links")
    # then: A's portfolio shows B's verified hours, cached
    portfolio = gql(a, HOURS_BY_HUB, as_="Ada")["portfolio"]
    assert [(h["hubSlug"], h["linked"], h["minutes"], h["servicesDelivered"])
            for h in portfolio["hoursByHub"]] == [(a.name, False, 0, 0),
                                                 (b.name, True, 75, 2)]  # fmt: skip
    assert portfolio["hoursByHub"][1]["fetchedAt"] and portfolio["combinedMinutes"] == 75
    [cached] = await a.rows("SELECT remote_lines FROM account_link")
    lines = json.loads(cached["remote_lines"])
    assert sorted((x["title"], x["minutes"]) for x in lines) == [
        ("Repair cafe 1", 45), ("Repair cafe 2", 30),
    ]  # fmt: skip
    # when: Bo removes the link on B
    [link_b] = gql(b, ACCOUNT_LINKS, as_="Bo")["accountLinks"]
    data = gql(b, REMOVE_LINK, {"input": {"linkId": link_b["id"]}}, as_="Bo")
    assert data["removeAccountLink"]["errors"] == []
    # then: gone on both sides, and A's portfolio no longer shows B's hours
    assert (await account_links(a), await account_links(b)) == ([], [])
    by_hub = gql(a, HOURS_BY_HUB, as_="Ada")["portfolio"]["hoursByHub"]
    assert [h["hubSlug"] for h in by_hub] == [a.name]
    assert gql(a, ACCOUNT_LINKS, as_="Ada")["accountLinks"] == []


async def erasure_removes_the_link_on_both_sides_once_the_partner_is_told(
    a: Installation, b: Installation
) -> None:
    # given: linked again, B's hours fetched
    await linked_across(a, b)
    a.cli("federation-account-links")
    assert [r["remote_minutes"] for r in await account_links(a)] == [75]
    # when: B is down while Ada erases her account on A
    b.stop(kill=True)
    data = gql(a, ERASE, {"input": {"confirm": "ERASE"}}, as_="Ada")
    assert data["eraseAccount"]["errors"] == []
    # then: the link waits to be told, its cached hours gone at once
    [waiting] = await account_links(a)
    assert (waiting["status"], waiting["remote_minutes"], waiting["fetched_at"]) == (
        "removing", None, None,
    )  # fmt: skip
    assert "'unreachable': 1" in a.cli("federation-account-links")
    # when: B is back and the sync runs again
    b.start()
    assert "'removed': 1" in a.cli("federation-account-links")
    # then: removed on both sides; a second run has nothing to do
    assert (await account_links(a), await account_links(b)) == ([], [])
    assert "'removed'" not in a.cli("federation-account-links")


async def refused_messages_write_nothing(a: Installation, b: Installation) -> None:
    """Forged, tampered, unknown: refused; an unknown or unverified email: the same answer as a
    verified one; a repeated request: one pending link, one email."""
    bo = b.info["people"]["Bo"]
    own_key = a.setup({"op": "link_data", "slug": a.name, "link_id": a.info["link_id"]})["own_key"]
    forger, _ = signing.new_key_pair()
    ada = a.info["people"]["Ada"]["id"]

    def request(email: str, ref: str) -> dict[str, Any]:
        return {"type": "account_link_request", "message_id": ref, "ref": ref,
                "member_id": ada, "email": email}  # fmt: skip

    async def written() -> list[int]:
        counts = await b.counts()
        rows = await b.rows("SELECT count(*)::int AS n FROM account_link")
        mails = await b.rows("SELECT count(*)::int AS n FROM outbox_job")
        return [counts["audit_event"], rows[0]["n"], mails[0]["n"]]

    before = await written()
    async with httpx.AsyncClient() as http:
        # forged: signed with another key; tampered: another body under a real signature
        url, raw, headers = _signed(a, b, request(bo["email"], str(uuid.uuid4())), key=forger)
        assert (await http.post(url, content=raw, headers=headers)).status_code == 401
        url, raw, headers = _signed(a, b, request("x@example.org", str(uuid.uuid4())), own_key)
        tampered = raw.replace(b"x@example.org", bo["email"].encode())
        assert (await http.post(url, content=tampered, headers=headers)).status_code == 401
        # a message for an unknown account link: refused
        for kind in ("verified_hours", "account_link_confirmed"):
            body = {"type": kind, "ref": str(uuid.uuid4()), "member_id": ada,
                    "remote_member_id": bo["id"]}  # fmt: skip
            url, raw, headers = _signed(a, b, body, own_key)
            response = await http.post(url, content=raw, headers=headers)
            assert (response.status_code, response.json()) == (
                404, {"error": "unknown_account_link"},
            ), kind  # fmt: skip
        # under an unknown link between the hubs: refused
        unknown_pair = {**request(bo["email"], str(uuid.uuid4())), "pair": str(uuid.uuid4())}
        raw = json.dumps(unknown_pair).encode()
        headers = signing.sign(url, raw, key_id=f"{unknown_pair['pair']}:{a.name}",
                               private_pem=own_key)  # fmt: skip
        assert (await http.post(url, content=raw, headers=headers)).status_code == 401
        # an unknown email and a known but unverified one: the same answer, nothing written
        answers = []
        url, raw, headers = _signed(a, b, request("nobody@example.org", str(uuid.uuid4())), own_key)
        answers.append((await http.post(url, content=raw, headers=headers)).json())
        await b.rows("UPDATE member SET email_verified_at = NULL WHERE id = $1", bo["id"])
        url, raw, headers = _signed(a, b, request(bo["email"], str(uuid.uuid4())), own_key)
        answers.append((await http.post(url, content=raw, headers=headers)).json())
        await b.rows("UPDATE member SET email_verified_at = now() WHERE id = $1", bo["id"])
        assert answers == [{"state": "requested"}] * 2
        assert await written() == before
        # a request repeated (the same id, even the same signed message): one pending link,
        # one email, the same answer each time
        url, raw, headers = _signed(a, b, request(bo["email"], str(uuid.uuid4())), own_key)
        for _ in range(3):
            response = await http.post(url, content=raw, headers=headers)
            assert response.json() == {"state": "requested"}
    assert [r["status"] for r in await account_links(b)] == ["pending"]
    assert len(await link_tokens(b, bo["email"])) == 1
    # and to the member on A: an unknown email is answered like a known one (PENDING)
    assert ask(a, b, "nobody@example.org")["status"] == "PENDING"
