"""Paying a member of a partner hub on one installation: one transaction, both books balanced,
the limit held under races, bad input refused with nothing written."""

import asyncio
import random
from typing import Any

from app.credits.models import Account, AccountKind, Transfer
from app.federation.models import HubLink, LinkStatus
from tests.federation.conftest import Pair, books, fund, key, written
from tests.helpers import Person, create_person

PAY = """
mutation($input: PayPartnerMemberInput!) {
  payPartnerMember(input: $input) {
    transfer { id amount category crossHub { hubName memberName amount } }
    errors { code field message }
  }
}"""
STATEMENT = """
{ myStatement(first: 10) { edges { node { amount counterparty { kind partnerHub }
  transfer { crossHub { hubName memberName amount } } } } } }"""


def _input(pair: Pair, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "partnerHubSlug": pair.other.slug,
            "payeeId": pair.payee.gid,
            "amount": amount,
            "idempotencyKey": key(),
            **extra,
        }
    }


async def _balance(hub_id: int, person: Person) -> int:
    account = await Account.get_or_none(hub_id=hub_id, member_id=person.member.id)
    return account.balance if account else 0


async def _clearing(link: HubLink) -> int:
    return (await Account.get(link_id=link.id)).balance


async def test_a_payment_moves_credits_through_both_clearing_accounts_at_the_rate(
    gql: Any, pair: Pair
) -> None:
    # given: 1 credit of hub A is worth 3 of hub B
    mine, theirs = await pair.link(rate=(3, 1), other_limit=1000)
    await fund(pair.hub.id, pair.payer.member.id, 100)
    # when
    data = await gql(PAY, _input(pair, 20, memo="Bike fixed", category="Repairs"), as_=pair.payer)
    # then
    payload = data["payPartnerMember"]
    assert payload["errors"] == []
    assert payload["transfer"]["amount"] == 20 and payload["transfer"]["category"] == "repairs"
    assert payload["transfer"]["crossHub"] == {
        "hubName": pair.other.name,
        "memberName": "Pedro",
        "amount": 60,
    }
    assert await _balance(pair.hub.id, pair.payer) == 80
    assert await _balance(pair.other.id, pair.payee) == 60
    assert (await _clearing(mine), await _clearing(theirs)) == (20, -60)
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    # both statements name the other hub
    payer_line = (await gql(STATEMENT, as_=pair.payer))["myStatement"]["edges"][0]["node"]
    assert payer_line["amount"] == -20
    assert payer_line["counterparty"] == {"kind": "CLEARING", "partnerHub": pair.other.name}
    assert payer_line["transfer"]["crossHub"]["hubName"] == pair.other.name
    payee_line = (await gql(STATEMENT, as_=pair.payee))["myStatement"]["edges"][0]["node"]
    assert payee_line["amount"] == 60
    assert payee_line["counterparty"] == {"kind": "CLEARING", "partnerHub": pair.hub.name}
    assert payee_line["transfer"]["crossHub"] == {
        "hubName": pair.hub.name,
        "memberName": "Paola",
        "amount": 20,
    }


async def test_a_retry_with_the_same_key_pays_once(gql: Any, pair: Pair) -> None:
    await pair.link()
    await fund(pair.hub.id, pair.payer.member.id, 100)
    variables = _input(pair, 7)
    results = await asyncio.gather(*(gql(PAY, variables, as_=pair.payer) for _ in range(10)))
    assert len({r["payPartnerMember"]["transfer"]["id"] for r in results}) == 1
    assert await _balance(pair.other.id, pair.payee) == 7
    variables["input"]["amount"] = 8
    again = await gql(PAY, variables, as_=pair.payer)
    assert again["payPartnerMember"]["errors"][0]["code"] == "IDEMPOTENCY_MISMATCH"


async def test_bad_payments_are_typed_errors_and_write_nothing(gql: Any, pair: Pair) -> None:
    # given: a link 2:3 (2 of A's credits are 3 of B's) carrying gardening only, B lending 50
    mine, theirs = await pair.link(rate=(3, 2), other_limit=50, categories=["gardening"])
    await fund(pair.hub.id, pair.payer.member.id, 1000)
    stranger = await create_person(hub=pair.hub)  # a member of A, not of B
    unlinked = await create_person(hub=await _third_hub())
    before = await written([pair.hub.id, pair.other.id])
    cases = [
        ({"partnerHubSlug": "no-such-hub"}, "NO_LINK", "partnerHubSlug"),
        (
            {"partnerHubSlug": unlinked.member.hub_id and "third-" + pair.hub.slug},
            "NO_LINK",
            "partnerHubSlug",
        ),
        ({"amount": 2, "category": "cooking"}, "CATEGORY_NOT_ALLOWED", "category"),
        ({"amount": 2}, "CATEGORY_NOT_ALLOWED", "category"),  # the default category
        ({"amount": 3, "category": "gardening"}, "NOT_CONVERTIBLE", "amount"),
        ({"amount": 34, "category": "gardening"}, "OVER_LINK_LIMIT", "amount"),  # 51 of B's
        ({"amount": 0, "category": "gardening"}, "INVALID", "amount"),
        ({"amount": 2000, "category": "gardening"}, "INSUFFICIENT_CREDITS", "amount"),
        ({"amount": 2, "category": "gardening", "payeeId": stranger.gid}, "NOT_FOUND", "payeeId"),
        (
            {"amount": 2, "category": "gardening", "idempotencyKey": "short"},
            "INVALID",
            "idempotencyKey",
        ),
    ]
    for extra, code, field in cases:
        variables = _input(pair, 2)
        variables["input"].update(extra)
        errors = (await gql(PAY, variables, as_=pair.payer))["payPartnerMember"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], (extra, errors)
    # a paused link, from either side
    await HubLink.filter(pair=mine.pair).update(status=LinkStatus.PAUSED)
    errors = (await gql(PAY, _input(pair, 2, category="gardening"), as_=pair.payer))[
        "payPartnerMember"
    ]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("LINK_NOT_ACTIVE", "partnerHubSlug")]
    # then: not a row more anywhere in either hub
    assert await written([pair.hub.id, pair.other.id]) == before
    # and the conversion message names amounts that convert
    await HubLink.filter(pair=mine.pair).update(status=LinkStatus.ACTIVE)
    errors = (await gql(PAY, _input(pair, 3, category="gardening"), as_=pair.payer))[
        "payPartnerMember"
    ]["errors"]
    assert "2 or 4" in errors[0]["message"]
    ok = await gql(PAY, _input(pair, 4, category="gardening"), as_=pair.payer)
    assert ok["payPartnerMember"]["transfer"]["crossHub"]["amount"] == 6
    assert theirs


async def _third_hub() -> Any:
    import uuid

    from app.hubs import service as hubs

    suffix = uuid.uuid4().hex[:8]
    return await hubs.create_hub(name=f"Third {suffix}", slug=f"third-{suffix}")


async def test_a_proposed_link_carries_nothing(gql: Any, pair: Pair) -> None:
    from app.federation import links
    from app.people.models import Role
    from tests.federation.conftest import actor

    await links.propose(actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug=pair.other.slug)
    await fund(pair.hub.id, pair.payer.member.id, 10)
    errors = (await gql(PAY, _input(pair, 2), as_=pair.payer))["payPartnerMember"]["errors"]
    assert errors[0]["code"] == "LINK_NOT_ACTIVE"


async def test_concurrent_payments_both_ways_hold_the_limits_and_both_books_balance(
    gql: Any, pair: Pair
) -> None:
    # given: A's members may spend 100 (B's credits) in B, B's may spend 60 (A's) in A;
    # four payers on each side, with plenty of credits
    mine, theirs = await pair.link(limit=60, other_limit=100)
    a_people = [pair.payer] + [await create_person(hub=pair.hub) for _ in range(3)]
    b_people = [pair.payee] + [await create_person(hub=pair.other) for _ in range(3)]
    for person in a_people:
        await fund(pair.hub.id, person.member.id, 500)
    for person in b_people:
        await fund(pair.other.id, person.member.id, 500)
    rng = random.Random(22)

    async def one(payer: Person, payee: Person, slug: str) -> str:
        variables = {
            "input": {
                "partnerHubSlug": slug,
                "payeeId": payee.gid,
                "amount": rng.randint(1, 9),
                "idempotencyKey": key(),
            }
        }
        payload = (await gql(PAY, variables, as_=payer))["payPartnerMember"]
        return payload["errors"][0]["code"] if payload["errors"] else "OK"

    async def books_every_moment(stop: asyncio.Event) -> int:
        looks = 0
        while not stop.is_set():
            assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
            looks += 1
            await asyncio.sleep(0)
        return looks

    # when: 200 payments race, three in four from A to B, while the books are read
    jobs = []
    for i in range(200):
        if i % 4:
            jobs.append(one(rng.choice(a_people), rng.choice(b_people), pair.other.slug))
        else:
            jobs.append(one(rng.choice(b_people), rng.choice(a_people), pair.hub.slug))
    stop = asyncio.Event()
    watcher = asyncio.create_task(books_every_moment(stop))
    results = await asyncio.gather(*jobs)
    stop.set()
    assert await watcher > 0
    # then: some refused for the limit, none for anything else
    assert set(results) <= {"OK", "OVER_LINK_LIMIT"}, set(results)
    assert "OVER_LINK_LIMIT" in results and "OK" in results
    a_clearing, b_clearing = await _clearing(mine), await _clearing(theirs)
    assert a_clearing >= -60 and b_clearing >= -100
    # at 1:1 the two clearing accounts mirror each other
    assert a_clearing == -b_clearing
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    # each hub's transfers across the link pair one to one by reference
    refs_a = set(
        await Transfer.filter(hub_id=pair.hub.id, reference__startswith="xhub:").values_list(
            "reference", flat=True
        )
    )
    refs_b = set(
        await Transfer.filter(hub_id=pair.other.id, reference__startswith="xhub:").values_list(
            "reference", flat=True
        )
    )
    assert refs_a == refs_b and len(refs_a) == results.count("OK")
    assert await Account.filter(kind=AccountKind.CLEARING, held__gt=0).count() == 0


CREDIT = """
mutation($input: CreditPartnerVolunteerInput!) {
  creditPartnerVolunteer(input: $input) { ok errors { code field } }
}"""


async def test_a_partner_member_volunteering_here_earns_their_hours_across_the_link(
    gql: Any, pair: Pair
) -> None:
    # given: hub B pays 60 a verified hour; B's credit is worth 1/2 of A's; A lends B 100
    from app.hubs.models import Hub

    mine, theirs = await pair.link(rate=(2, 1), limit=100, other_limit=0)
    await Hub.filter(id=pair.other.id).update(credits_per_hour=60)
    variables = {
        "input": {
            "partnerHubSlug": pair.hub.slug,
            "volunteerId": pair.payer.gid,  # a member of hub A who volunteered in hub B
            "minutes": 90,
            "idempotencyKey": key(),
        }
    }
    # when: B's admin credits the 90 minutes
    data = await gql(CREDIT, variables, as_=pair.other_admin)
    again = await gql(CREDIT, variables, as_=pair.other_admin)
    # then: 90 of B's credits issued there, 45 of A's paid to the volunteer, once
    assert data["creditPartnerVolunteer"] == {"ok": True, "errors": []}
    assert again["creditPartnerVolunteer"]["ok"]
    assert await _balance(pair.hub.id, pair.payer) == 45
    assert (await _clearing(theirs), await _clearing(mine)) == (90, -45)
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    earned = await Transfer.get(hub_id=pair.hub.id, destination__member_id=pair.payer.member.id)
    assert earned.kind == "earn" and earned.category == "volunteering"
    # more than A lends B is refused, nothing written
    before = await written([pair.hub.id, pair.other.id])
    variables["input"].update(minutes=240, idempotencyKey=key())
    over = await gql(CREDIT, variables, as_=pair.other_admin)
    assert over["creditPartnerVolunteer"]["errors"] == [
        {"code": "OVER_LINK_LIMIT", "field": "amount"}
    ]
    assert await written([pair.hub.id, pair.other.id]) == before
