"""Deny by default: the ledger's lines are their holder's alone, and the schema refuses to
serve a type, field or operation that has no policy entry."""

import uuid
from typing import Any

import pytest

from app.credits.models import Entry
from app.policy import registry
from schema import schema
from schema.policy import PolicyGap, enforce
from schema.relay import encode_id
from tests.credits.conftest import fund_member
from tests.helpers import Person

PAY = """
mutation Pay($input: PayMemberInput!) {
  payMember(input: $input) { transfer { id } errors { code } }
}"""
ENTRY = """
query Entry($id: ID!) {
  node(id: $id) {
    ... on StatementEntry { amount balanceAfter category transfer { amount memo } }
  }
}"""
TRANSFER = """
query Transfer($id: ID!) { node(id: $id) { ... on Transfer { amount memo } } }"""


async def _pay(gql: Any, payer: Person, payee: Person) -> str:
    data = await gql(
        PAY,
        {
            "input": {
                "payeeId": payee.gid,
                "amount": 7,
                "memo": "therapy session",
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        as_=payer,
    )
    assert data["payMember"]["errors"] == []
    return str(data["payMember"]["transfer"]["id"])


async def test_statement_lines_are_only_their_holders(
    gql: Any, hub: Any, alice: Person, make_person: Any
) -> None:
    # given: alice paid bob; carol is a stranger in the hub
    bob, carol = await make_person(), await make_person()
    await fund_member(hub.id, alice.member.id, 50)
    transfer_id = await _pay(gql, alice, bob)
    entries = await Entry.filter(hub_id=hub.id).order_by("id")
    # when: everybody walks the entries' sequential ids, as the attacker did
    seen: dict[str, list[Any]] = {"alice": [], "bob": [], "carol": [], "anonymous": []}
    for entry in entries:
        variables = {"id": str(encode_id("StatementEntry", entry.id))}
        for name, person in (("alice", alice), ("bob", bob), ("carol", carol)):
            seen[name].append((await gql(ENTRY, variables, as_=person))["node"])
        anonymous = await gql.raw(ENTRY, variables, headers={"CH-Hub": hub.slug})
        seen["anonymous"].append(anonymous["data"]["node"])
    carol_transfer = await gql(TRANSFER, {"id": transfer_id}, as_=carol)
    # then: each holder sees their own lines (and the transfer behind them), nobody else any
    therapy = {"amount": 7, "memo": "therapy session"}
    assert [n["transfer"] for n in seen["alice"] if n and n["amount"] == -7] == [therapy]
    assert [n["transfer"] for n in seen["bob"] if n and n["amount"] == 7] == [therapy]
    assert len([n for n in seen["alice"] if n]) == 2  # her funding, and the payment
    assert len([n for n in seen["bob"] if n]) == 1
    assert seen["carol"] == [None] * len(entries)
    assert seen["anonymous"] == [None] * len(entries)
    assert carol_transfer["node"] is None


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (lambda t: t.types.pop("StatementEntry"), "type StatementEntry"),
        (lambda t: t.queries.pop("myStatement"), "query myStatement"),
        (lambda t: t.mutations.pop("payMember"), "mutation payMember"),
        (
            lambda t: t.types.__setitem__(
                "Member",
                type(t.types["Member"])(
                    **{
                        **vars(t.types["Member"]),
                        "public": t.types["Member"].public - {"displayName"},
                    }
                ),
            ),
            "field Member.displayName",
        ),
    ],
    ids=["type", "query", "mutation", "field"],
)
def test_the_schema_refuses_to_serve_what_the_table_does_not_cover(
    monkeypatch: pytest.MonkeyPatch, remove: Any, expected: str
) -> None:
    # given: the table without one entry
    full = registry.table()
    partial = registry.Table(
        types=dict(full.types),
        by_model=dict(full.by_model),
        queries=dict(full.queries),
        mutations=dict(full.mutations),
        subscriptions=dict(full.subscriptions),
    )
    remove(partial)
    monkeypatch.setattr(registry, "table", lambda: partial)
    # when / then: enforcing it on the schema names what is missing (and changes nothing)
    with pytest.raises(PolicyGap) as raised:
        enforce(schema)
    assert [line.strip() for line in str(raised.value).splitlines()[1:]] == [expected]
