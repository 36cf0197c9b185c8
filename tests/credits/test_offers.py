"""Business vouchers: offers, redeeming, the till, refunds, and a sell-out race."""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.credits import offers
from app.credits.models import Account, Voucher, VoucherOffer
from app.organisations import service as organisations
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.helpers import create_person
from tests.opportunities.conftest import actor_of

CREATE = """
mutation($input: CreateVoucherOfferInput!) { createVoucherOffer(input: $input) { offer { id stock cost } errors { code field message } } }"""
REDEEM = """
mutation($input: RedeemVoucherInput!) { redeemVoucher(input: $input) { voucher { id code status } errors { code field message } } }"""
USE = """mutation($input: UseVoucherInput!) { useVoucher(input: $input) { voucher { status usedAt } errors { code field } } }"""
CHECK = (
    """query($code: String!) { voucherByCode(code: $code) { status offer { title } expiresAt } }"""
)
OFFERS = "{ voucherOffers(first: 10) { edges { node { title stock organisation { name } } } } }"
MINE = "{ myVouchers(first: 10) { edges { node { code status offer { title } } } } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


@pytest.fixture
async def shop(alice: Any) -> Any:
    return await organisations.create_organisation(
        actor=actor_of(alice), name="Corner Cafe", kind="business"
    )


def _offer(shop: Any, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "input": {
            "organisationId": gid("Organisation", shop.id),
            "title": "Free coffee",
            "cost": 60,
            "stock": 3,
            "perMemberLimit": 1,
            "validFrom": (now - timedelta(hours=1)).isoformat(),
            "validUntil": (now + timedelta(days=30)).isoformat(),
            **extra,
        }
    }


async def _redeem(gql: Any, person: Any, offer_id: str, key: str | None = None) -> dict[str, Any]:
    data = await gql(
        REDEEM,
        {"input": {"offerId": offer_id, "idempotencyKey": key or uuid.uuid4().hex}},
        as_=person,
    )
    return data["redeemVoucher"]  # type: ignore[no-any-return]


async def test_offer_redeem_check_and_use(
    gql: Any, hub: Any, alice: Any, make_person: Any, shop: Any, fund: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    await fund(hub.id, bob.member.id, 100)
    created = (await gql(CREATE, _offer(shop), as_=alice))["createVoucherOffer"]
    assert created["errors"] == []
    offer_id = created["offer"]["id"]
    assert (await gql(OFFERS, headers={"CH-Hub": hub.slug}))["voucherOffers"]["edges"][0]["node"][
        "organisation"
    ] == {"name": "Corner Cafe"}
    # when
    redeemed = await _redeem(gql, bob, offer_id)
    # then
    code = redeemed["voucher"]["code"]
    assert redeemed["errors"] == [] and code.startswith("CH-") and len(code) == 22
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 40
    assert (await VoucherOffer.get(hub_id=hub.id)).stock == 2
    assert (await gql(MINE, as_=bob))["myVouchers"]["edges"][0]["node"]["code"] == code
    # the till (the business's staff) checks and uses it, once
    checked = (await gql(CHECK, {"code": code.lower()}, as_=alice))["voucherByCode"]
    assert checked["status"] == "ISSUED" and checked["offer"] == {"title": "Free coffee"}
    refused = await gql.raw(CHECK, {"code": code}, as_=bob)  # the holder is not the till
    assert refused["data"] == {"voucherByCode": None}
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    used = await gql(USE, {"input": {"code": code}}, as_=alice)
    assert used["useVoucher"]["voucher"]["status"] == "USED"
    again = await gql(USE, {"input": {"code": code}}, as_=alice)
    assert again["useVoucher"]["errors"] == [{"code": "VOUCHER_USED", "field": "code"}]
    unknown = await gql(USE, {"input": {"code": "CH-AAAA-BBBB-CCCC-DDDD"}}, as_=alice)
    assert unknown["useVoucher"]["errors"][0]["code"] == "NOT_FOUND"
    assert await books(hub.id) == 0


async def test_offer_rules(
    gql: Any, hub: Any, alice: Any, make_person: Any, shop: Any, fund: Any
) -> None:
    bob = await make_person()
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Not a shop", kind="charity"
    )
    now = datetime.now(UTC)
    cases = [
        (_offer(shop, cost=0), "INVALID", "cost"),
        (_offer(shop, stock=0), "INVALID", "stock"),
        (_offer(shop, validUntil=(now - timedelta(days=2)).isoformat()), "INVALID", "validUntil"),
        (_offer(charity), "FORBIDDEN", "organisationId"),
    ]
    for variables, code, field in cases:
        errors = (await gql(CREATE, variables, as_=alice))["createVoucherOffer"]["errors"]
        assert (errors[0]["code"], errors[0]["field"]) == (code, field), variables
    refused = (await gql(CREATE, _offer(shop), as_=bob))["createVoucherOffer"]["errors"]
    assert refused[0]["code"] == "FORBIDDEN"
    assert await VoucherOffer.filter(hub_id=hub.id).count() == 0


async def test_redeem_refusals_write_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any, shop: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, bob.member.id, 100)
    later = datetime.now(UTC) + timedelta(days=1)
    offer = (await gql(CREATE, _offer(shop, stock=1), as_=alice))["createVoucherOffer"]["offer"][
        "id"
    ]
    dear = (await gql(CREATE, _offer(shop, cost=500), as_=alice))["createVoucherOffer"]["offer"][
        "id"
    ]
    future = (await gql(CREATE, _offer(shop, validFrom=later.isoformat()), as_=alice))[
        "createVoucherOffer"
    ]["offer"]["id"]
    assert (await _redeem(gql, bob, dear))["errors"][0]["code"] == "INSUFFICIENT_CREDITS"
    assert (await _redeem(gql, bob, future))["errors"][0]["code"] == "OFFER_NOT_ACTIVE"
    assert (await _redeem(gql, bob, offer))["errors"] == []
    assert (await _redeem(gql, bob, offer))["errors"][0]["code"] in {"SOLD_OUT", "LIMIT_REACHED"}
    carol = await make_person()
    await fund(hub.id, carol.member.id, 100)
    assert (await _redeem(gql, carol, offer))["errors"][0]["code"] == "SOLD_OUT"
    stranger = await create_person(hub=other_hub)
    assert (await _redeem(gql, stranger, offer))["errors"][0]["code"] == "NOT_FOUND"
    assert (await _redeem(gql, bob, gid("Member", 1)))["errors"][0]["field"] == "offerId"
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 40
    assert (await Account.get(hub_id=hub.id, member_id=carol.member.id)).balance == 100


async def test_per_member_limit_and_idempotent_retry(
    gql: Any, hub: Any, alice: Any, make_person: Any, shop: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, bob.member.id, 500)
    offer = (await gql(CREATE, _offer(shop, stock=10, perMemberLimit=2), as_=alice))[
        "createVoucherOffer"
    ]["offer"]["id"]
    key = uuid.uuid4().hex
    first, retry = await _redeem(gql, bob, offer, key), await _redeem(gql, bob, offer, key)
    assert first["voucher"]["code"] == retry["voucher"]["code"]
    assert (await _redeem(gql, bob, offer))["errors"] == []
    assert (await _redeem(gql, bob, offer))["errors"][0]["code"] == "LIMIT_REACHED"
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 380


async def test_30_members_race_for_10_vouchers(
    gql: Any, hub: Any, alice: Any, shop: Any, fund: Any
) -> None:
    offer = (await gql(CREATE, _offer(shop, stock=10), as_=alice))["createVoucherOffer"]["offer"][
        "id"
    ]
    people = [await create_person(hub=hub) for _ in range(30)]
    for person in people:
        await fund(hub.id, person.member.id, 60)
    results = await asyncio.gather(*(_redeem(gql, p, offer) for p in people))
    outcomes = Counter((r["errors"] or [{"code": "OK"}])[0]["code"] for r in results)
    assert outcomes == {"OK": 10, "SOLD_OUT": 20}
    stored = await VoucherOffer.get(hub_id=hub.id)
    assert stored.stock == 0 and await Voucher.filter(offer_id=stored.id).count() == 10
    balances = Counter(
        [(await Account.get(hub_id=hub.id, member_id=p.member.id)).balance for p in people]
    )
    assert balances == {0: 10, 60: 20}
    assert await books(hub.id) == 0


async def test_expired_vouchers_are_refunded_once_or_expire(
    gql: Any, hub: Any, alice: Any, make_person: Any, shop: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, bob.member.id, 200)
    refundable = (await gql(CREATE, _offer(shop, refundUnused=True), as_=alice))[
        "createVoucherOffer"
    ]["offer"]["id"]
    final = (await gql(CREATE, _offer(shop, title="Cake"), as_=alice))["createVoucherOffer"][
        "offer"
    ]["id"]
    await _redeem(gql, bob, refundable)
    await _redeem(gql, bob, final)
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 80
    later = datetime.now(UTC) + timedelta(days=31)
    assert await offers.refund_expired_vouchers(now=later) >= 2  # the cron is hub-wide
    assert await offers.refund_expired_vouchers(now=later) == 0
    statuses = sorted(v.status for v in await Voucher.filter(member_id=bob.member.id))
    assert statuses == ["expired", "refunded"]
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 140
    assert await books(hub.id) == 0
