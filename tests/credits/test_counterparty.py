"""Who was on the other side of a transfer and a statement line; a category for every transfer."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from app.actor import Actor
from app.credits import ledger, offers
from app.credits.models import SystemAccount, TransferKind
from app.organisations import service as organisations
from app.people.models import Role
from schema.relay import encode_id
from tests.helpers import count_sql

PARTY = "kind system member { id displayName } organisation { id name }"
PAY = f"""
mutation Pay($input: PayMemberInput!) {{
  payMember(input: $input) {{
    transfer {{
      id kind category
      source {{ {PARTY} }} destination {{ {PARTY} }} counterparty {{ {PARTY} }}
    }}
    errors {{ code field message }}
  }}
}}"""
STATEMENT = f"""
query Statement($first: Int) {{
  myStatement(first: $first) {{
    edges {{ node {{ amount category transfer {{ kind }} counterparty {{ {PARTY} }} }} }}
  }}
}}"""
TRANSFER = f"""
query Transfer($id: ID!) {{
  node(id: $id) {{
    ... on Transfer {{
      amount source {{ {PARTY} }} destination {{ {PARTY} }} counterparty {{ {PARTY} }}
    }}
  }}
}}"""


def _actor(person: Any) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER}))


def member(person: Any) -> dict[str, Any]:
    return {
        "kind": "MEMBER",
        "system": None,
        "member": {"id": person.gid, "displayName": person.member.display_name},
        "organisation": None,
    }


def system(which: str) -> dict[str, Any]:
    return {"kind": "SYSTEM", "system": which, "member": None, "organisation": None}


async def _pay(gql: Any, payer: Any, payee: Any, amount: int, **extra: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "payeeId": payee.gid,
            "amount": amount,
            "idempotencyKey": uuid.uuid4().hex,
            **extra,
        }
    }
    data = await gql(PAY, variables, as_=payer)
    assert data["payMember"]["errors"] == []
    return data["payMember"]["transfer"]  # type: ignore[no-any-return]


async def test_statement_lines_and_transfers_name_the_other_side(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given: alice was funded by the hub, earned credits, paid bob (no category given) and
    # bought a coffee voucher from Corner Cafe; carol is a bystander, ada a hub admin
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    ada = await make_person(display_name="Ada", roles=[Role.HUB_ADMIN])
    cafe_owner = await make_person(display_name="Cafe owner")
    await fund(hub.id, alice.member.id, 100)
    await ledger.post(
        source=await ledger.system_account(hub.id, SystemAccount.ISSUANCE),
        destination=await ledger.member_account(hub.id, alice.member.id),
        amount=60,
        kind=TransferKind.EARN,
        memo="an hour volunteered",
    )
    paid = await _pay(gql, alice, bob, 30)
    cafe = await organisations.create_organisation(
        actor=_actor(cafe_owner), name="Corner Cafe", kind="business"
    )
    offer = await offers.create_offer(
        actor=_actor(cafe_owner),
        organisation_id=cafe.id,
        fields={
            "title": "Free coffee",
            "cost": 10,
            "stock": 5,
            "valid_from": datetime.now(UTC) - timedelta(days=1),
            "valid_until": datetime.now(UTC) + timedelta(days=30),
        },
    )
    await offers.redeem(actor=_actor(alice), offer_id=offer.id, idempotency_key=uuid.uuid4().hex)
    cafe_party = {
        "kind": "ORGANISATION",
        "system": None,
        "member": None,
        "organisation": {"id": str(encode_id("Organisation", cafe.id)), "name": "Corner Cafe"},
    }

    # then: the payment names both sides, and the other side from alice's point of view
    assert paid["source"] == member(alice) and paid["destination"] == member(bob)
    assert paid["counterparty"] == member(bob)
    assert (paid["kind"], paid["category"]) == ("EXCHANGE", "services")  # the kind's default

    # when: alice and bob read their statements
    lines = (await gql(STATEMENT, {"first": 10}, as_=alice))["myStatement"]["edges"]
    bobs = (await gql(STATEMENT, {"first": 10}, as_=bob))["myStatement"]["edges"]
    # then: newest first, each with its other side and a category
    assert [
        (n["node"]["amount"], n["node"]["category"], n["node"]["counterparty"]) for n in lines
    ] == [
        (-10, "vouchers", cafe_party),
        (-30, "services", member(bob)),
        (60, "volunteering", system("ISSUANCE")),
        (100, "adjustments", system("ISSUANCE")),
    ]
    assert [(n["node"]["amount"], n["node"]["counterparty"]) for n in bobs] == [(30, member(alice))]

    # when: the transfer is read by its parties, a bystander and a hub admin
    seen = {
        who.member.display_name: (await gql.raw(TRANSFER, {"id": paid["id"]}, as_=who))["data"][
            "node"
        ]
        for who in (alice, bob, carol, ada)
    }
    # then: the parties see each other; a bystander sees nothing; the admin sees both sides
    # and, being neither, no counterparty
    assert seen["Alice"]["counterparty"] == member(bob)
    assert seen["Bob"]["counterparty"] == member(alice)
    assert seen["Carol"] is None
    assert seen["Ada"]["source"] == member(alice) and seen["Ada"]["destination"] == member(bob)
    assert seen["Ada"]["counterparty"] is None


async def test_a_statement_names_its_counterparties_in_the_same_statements_for_4_and_40_lines(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given: alice pays 40 different members, then reads 4 and 40 lines
    await fund(hub.id, alice.member.id, 1000)
    for n in range(40):
        payee = await make_person(display_name=f"Payee {n}")
        await ledger.post(
            source=await ledger.member_account(hub.id, alice.member.id),
            destination=await ledger.member_account(hub.id, payee.member.id),
            amount=1,
            kind=TransferKind.EXCHANGE,
        )
    counts = []
    for first in (4, 40):
        # when
        with count_sql() as sql:
            data = await gql(STATEMENT, {"first": first}, as_=alice)
        # then
        edges = data["myStatement"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["counterparty"]["kind"] == "MEMBER" for e in edges)
        counts.append(len(sql.statements))
    assert counts[0] == counts[1], counts
