"""Business vouchers against the spec of issue 5: who may do what, refusals that write nothing,
the listing, idempotent and concurrent redeeming and using, and the refund cron run twice.

The happy path and the 30-member sell-out race live in test_offers.py; these cover the rest.
"""

import asyncio
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from app.credits import ledger, offers
from app.credits.models import (
    Account,
    IdempotencyKey,
    SystemAccount,
    Transfer,
    TransferKind,
    Voucher,
    VoucherOffer,
    VoucherStatus,
)
from app.organisations import service as organisations
from app.organisations.models import Organisation
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.helpers import Person, create_person
from tests.opportunities.conftest import actor_of

CREATE_OFFER = """
mutation CreateOffer($input: CreateVoucherOfferInput!) {
  createVoucherOffer(input: $input) {
    offer { id title stock cost perMemberLimit voucherDays refundUnused active }
    errors { code field message }
  }
}"""
UPDATE_OFFER = """
mutation UpdateOffer($input: UpdateVoucherOfferInput!) {
  updateVoucherOffer(input: $input) {
    offer { id title stock active validUntil }
    errors { code field message }
  }
}"""
REDEEM = """
mutation Redeem($input: RedeemVoucherInput!) {
  redeemVoucher(input: $input) {
    voucher { id code status expiresAt offer { title } }
    errors { code field message }
  }
}"""
USE = """
mutation Use($input: UseVoucherInput!) {
  useVoucher(input: $input) { voucher { status usedAt } errors { code field message } }
}"""
CHECK = """
query Check($code: String!) {
  voucherByCode(code: $code) { status expiresAt offer { title organisation { name } } }
}"""
OFFERS = """
query Offers($first: Int, $after: String, $organisationId: ID) {
  voucherOffers(first: $first, after: $after, organisationId: $organisationId) {
    edges { cursor node { title } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MY_VOUCHERS = """
query Mine($status: VoucherStatus) {
  myVouchers(first: 20, status: $status) { edges { node { code status offer { title } } } }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on Voucher { code } } }"

CODE = re.compile(r"^CH-[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$")


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def offer_input(organisation: Organisation, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "input": {
            "organisationId": gid("Organisation", organisation.id),
            "title": "Free coffee",
            "description": "Any size, any day.",
            "cost": 50,
            "stock": 5,
            "perMemberLimit": 1,
            "validFrom": (now - timedelta(hours=1)).isoformat(),
            "validUntil": (now + timedelta(days=30)).isoformat(),
            "voucherDays": 14,
            **extra,
        }
    }


async def create_offer(gql: Any, owner: Person, organisation: Organisation, **extra: Any) -> str:
    data = await gql(CREATE_OFFER, offer_input(organisation, **extra), as_=owner)
    assert data["createVoucherOffer"]["errors"] == []
    return data["createVoucherOffer"]["offer"]["id"]  # type: ignore[no-any-return]


async def redeem(gql: Any, person: Person, offer_id: str, key: str | None = None) -> Any:
    variables = {"input": {"offerId": offer_id, "idempotencyKey": key or uuid.uuid4().hex}}
    return (await gql(REDEEM, variables, as_=person))["redeemVoucher"]


async def use(gql: Any, person: Person, code: str) -> Any:
    return (await gql(USE, {"input": {"code": code}}, as_=person))["useVoucher"]


async def balance(hub_id: int, person: Person) -> int:
    return (await ledger.member_account(hub_id, person.member.id)).balance


async def written(hub_id: int) -> dict[str, Any]:
    """Everything a voucher mutation may write in a hub: compared before and after refusals."""
    accounts = await Account.filter(hub_id=hub_id).order_by("id").values_list("id", "balance")
    stocks = await VoucherOffer.filter(hub_id=hub_id).order_by("id").values_list("id", "stock")
    return {
        "accounts": accounts,
        "stocks": stocks,
        "vouchers": await Voucher.filter(hub_id=hub_id).count(),
        "transfers": await Transfer.filter(hub_id=hub_id).count(),
        "keys": await IdempotencyKey.filter(hub_id=hub_id).count(),
    }


@pytest.fixture
async def shop(alice: Person) -> Organisation:
    """A business owned by Alice."""
    return await organisations.create_organisation(
        actor=actor_of(alice), name="Corner Cafe", kind="business"
    )


@pytest.fixture
async def till(alice: Person, shop: Organisation, make_person: Any) -> dict[str, Person]:
    """The shop's admin and staff (Alice is its owner)."""
    people = {"admin": await make_person(), "staff": await make_person()}
    for role, person in people.items():
        await organisations.add_member(
            actor=actor_of(alice), organisation_id=shop.id, member_id=person.member.id, role=role
        )
    return people


@pytest.fixture
async def bob(make_person: Any, hub: Any, fund: Any) -> Person:
    """A member with 200 credits."""
    person = await make_person(display_name="Bob")
    await fund(hub.id, person.member.id, 200)
    return person


# --- publishing offers ----------------------------------------------------------------------


async def test_owners_and_admins_of_a_business_publish_and_edit_offers(
    gql: Any, hub: Any, alice: Person, shop: Organisation, till: dict[str, Person]
) -> None:
    # given: the owner publishes
    created = (await gql(CREATE_OFFER, offer_input(shop, refundUnused=True), as_=alice))[
        "createVoucherOffer"
    ]
    assert created["errors"] == []
    assert created["offer"] | {"id": None} == {
        "id": None,
        "title": "Free coffee",
        "stock": 5,
        "cost": 50,
        "perMemberLimit": 1,
        "voucherDays": 14,
        "refundUnused": True,
        "active": True,
    }
    offer_id = created["offer"]["id"]
    until = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0)
    # when: an admin edits it
    updated = (
        await gql(
            UPDATE_OFFER,
            {
                "input": {
                    "offerId": offer_id,
                    "title": "Free tea",
                    "stock": 8,
                    "active": False,
                    "validUntil": until.isoformat(),
                }
            },
            as_=till["admin"],
        )
    )["updateVoucherOffer"]
    # then
    assert updated["errors"] == []
    assert updated["offer"]["title"] == "Free tea" and updated["offer"]["stock"] == 8
    assert updated["offer"]["active"] is False
    assert datetime.fromisoformat(updated["offer"]["validUntil"]) == until
    stored = await VoucherOffer.get(hub_id=hub.id)
    assert (stored.title, stored.stock, stored.active) == ("Free tea", 8, False)


async def test_staff_members_other_kinds_and_other_hubs_cannot_publish(
    gql: Any,
    hub: Any,
    other_hub: Any,
    alice: Person,
    shop: Organisation,
    till: dict[str, Person],
    bob: Person,
) -> None:
    # given
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Food bank", kind="charity"
    )
    stranger = await create_person(hub=other_hub)
    elsewhere = await organisations.create_organisation(
        actor=actor_of(stranger), name="Far away shop", kind="business"
    )
    offer_id = await create_offer(gql, alice, shop)
    before = await written(hub.id)
    cases = [
        (till["staff"], offer_input(shop), "FORBIDDEN", None),
        (bob, offer_input(shop), "FORBIDDEN", None),
        (alice, offer_input(charity), "FORBIDDEN", "organisationId"),
        (alice, offer_input(elsewhere), "NOT_FOUND", "organisationId"),
    ]
    for person, variables, code, field in cases:
        # when
        errors = (await gql(CREATE_OFFER, variables, as_=person))["createVoucherOffer"]["errors"]
        # then
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], variables
    for person in (till["staff"], bob):
        edit = {"input": {"offerId": offer_id, "stock": 99}}
        errors = (await gql(UPDATE_OFFER, edit, as_=person))["updateVoucherOffer"]["errors"]
        assert errors[0]["code"] == "FORBIDDEN"
    edit = {"input": {"offerId": offer_id, "stock": 99}}
    errors = (await gql(UPDATE_OFFER, edit, as_=stranger))["updateVoucherOffer"]["errors"]
    assert errors[0]["code"] == "NOT_FOUND"
    assert await written(hub.id) == before
    assert await VoucherOffer.filter(hub_id=other_hub.id).count() == 0


async def test_bad_offer_input_is_a_typed_error_and_writes_nothing(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given
    now = datetime.now(UTC)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cost": 0}, "cost"),
        ({"cost": -5}, "cost"),
        ({"stock": 0}, "stock"),
        ({"stock": -1}, "stock"),
        ({"perMemberLimit": 0}, "perMemberLimit"),
        ({"voucherDays": 0}, "voucherDays"),
        ({"voucherDays": 366}, "voucherDays"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"validUntil": (now - timedelta(days=1)).isoformat()}, "validUntil"),
        ({"validFrom": now.isoformat(), "validUntil": now.isoformat()}, "validUntil"),
        ({"organisationId": bob.gid}, "organisationId"),
        ({"organisationId": "not an id"}, "organisationId"),
    ]
    for extra, field in cases:
        # when
        errors = (await gql(CREATE_OFFER, offer_input(shop, **extra), as_=alice))[
            "createVoucherOffer"
        ]["errors"]
        # then
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", field)], extra
    assert await VoucherOffer.filter(hub_id=hub.id).count() == 0
    # and the same on edits
    offer_id = await create_offer(gql, alice, shop)
    before = await written(hub.id)
    edits: list[tuple[dict[str, Any], str, str]] = [
        ({"stock": -1}, "INVALID", "stock"),
        ({"title": ""}, "INVALID", "title"),
        ({"validUntil": (now - timedelta(days=1)).isoformat()}, "INVALID", "validUntil"),
        ({"offerId": gid("VoucherOffer", 10**9)}, "NOT_FOUND", "offerId"),
        ({"offerId": gid("Organisation", shop.id)}, "INVALID", "offerId"),
    ]
    for extra, code, field in edits:
        variables = {"input": {"offerId": offer_id, **extra}}
        errors = (await gql(UPDATE_OFFER, variables, as_=alice))["updateVoucherOffer"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], extra
    assert await written(hub.id) == before


async def test_the_hub_lists_only_active_in_date_in_stock_offers(
    gql: Any, hub: Any, other_hub: Any, alice: Person, shop: Organisation
) -> None:
    # given
    now = datetime.now(UTC)
    bakery = await organisations.create_organisation(
        actor=actor_of(alice), name="Bakery", kind="business"
    )
    soon, later = (now + timedelta(days=d) for d in (5, 9))
    await create_offer(gql, alice, shop, title="Open soonest", validUntil=soon.isoformat())
    await create_offer(gql, alice, bakery, title="Open at the bakery", validUntil=later.isoformat())
    paused = await create_offer(gql, alice, shop, title="Paused")
    gone = await create_offer(gql, alice, shop, title="Sold out")
    for offer_id, change in ((paused, {"active": False}), (gone, {"stock": 0})):
        edit = {"input": {"offerId": offer_id, **change}}
        assert (await gql(UPDATE_OFFER, edit, as_=alice))["updateVoucherOffer"]["errors"] == []
    await create_offer(
        gql, alice, shop, title="Not yet", validFrom=(now + timedelta(days=1)).isoformat()
    )
    await create_offer(
        gql,
        alice,
        shop,
        title="Over",
        validFrom=(now - timedelta(days=9)).isoformat(),
        validUntil=(now - timedelta(days=1)).isoformat(),
    )
    anonymous = {"headers": {"CH-Hub": hub.slug}}
    # when
    first = (await gql(OFFERS, {"first": 1}, **anonymous))["voucherOffers"]
    rest = (await gql(OFFERS, {"first": 10, "after": first["pageInfo"]["endCursor"]}, **anonymous))[
        "voucherOffers"
    ]
    only_bakery = (
        await gql(
            OFFERS, {"first": 10, "organisationId": gid("Organisation", bakery.id)}, as_=alice
        )
    )["voucherOffers"]
    elsewhere = (await gql(OFFERS, {"first": 10}, headers={"CH-Hub": other_hub.slug}))[
        "voucherOffers"
    ]
    # then
    assert [e["node"]["title"] for e in first["edges"]] == ["Open soonest"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["title"] for e in rest["edges"]] == ["Open at the bakery"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["title"] for e in only_bakery["edges"]] == ["Open at the bakery"]
    assert elsewhere["edges"] == []


# --- redeeming ------------------------------------------------------------------------------


async def test_redeeming_moves_the_cost_to_the_business_and_issues_a_code(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given
    offer_id = await create_offer(gql, alice, shop, voucherDays=14)
    # when
    redeemed = await redeem(gql, bob, offer_id)
    # then
    assert redeemed["errors"] == []
    voucher = redeemed["voucher"]
    assert CODE.match(voucher["code"]) and voucher["status"] == "ISSUED"
    expires = datetime.fromisoformat(voucher["expiresAt"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=1)
    assert await balance(hub.id, bob) == 150
    assert (await ledger.organisation_account(hub.id, shop.id)).balance == 50
    transfer = await Transfer.get(id=(await Voucher.get(hub_id=hub.id)).transfer_id)
    assert (transfer.kind, transfer.amount) == (TransferKind.VOUCHER, 50)
    assert (await VoucherOffer.get(hub_id=hub.id)).stock == 4
    assert await books(hub.id) == 0


async def test_refused_redeems_are_typed_errors_and_write_nothing(
    gql: Any,
    hub: Any,
    other_hub: Any,
    alice: Person,
    shop: Organisation,
    bob: Person,
    make_person: Any,
    fund: Any,
) -> None:
    # given
    now = datetime.now(UTC)
    expired = await create_offer(
        gql,
        alice,
        shop,
        validFrom=(now - timedelta(days=9)).isoformat(),
        validUntil=(now - timedelta(seconds=1)).isoformat(),
    )
    not_yet = await create_offer(gql, alice, shop, validFrom=(now + timedelta(days=1)).isoformat())
    paused = await create_offer(gql, alice, shop)
    await gql(UPDATE_OFFER, {"input": {"offerId": paused, "active": False}}, as_=alice)
    last_one = await create_offer(gql, alice, shop, stock=1)
    limited = await create_offer(gql, alice, shop, perMemberLimit=1)
    dear = await create_offer(gql, alice, shop, cost=201)
    stranger = await create_person(hub=other_hub)
    far_shop = await organisations.create_organisation(
        actor=actor_of(stranger), name="Far shop", kind="business"
    )
    far_offer = await create_offer(gql, stranger, far_shop)
    carol = await make_person()
    await fund(hub.id, carol.member.id, 200)
    assert (await redeem(gql, carol, last_one))["errors"] == []
    assert (await redeem(gql, bob, limited))["errors"] == []
    before = await written(hub.id)
    cases = [
        (expired, "OFFER_NOT_ACTIVE"),
        (not_yet, "OFFER_NOT_ACTIVE"),
        (paused, "OFFER_NOT_ACTIVE"),
        (last_one, "SOLD_OUT"),
        (limited, "LIMIT_REACHED"),
        (dear, "INSUFFICIENT_CREDITS"),
        (gid("VoucherOffer", 10**9), "NOT_FOUND"),
        (far_offer, "NOT_FOUND"),
        (gid("Organisation", shop.id), "INVALID"),
        ("garbage", "INVALID"),
    ]
    for offer_id, code in cases:
        # when
        errors = (await redeem(gql, bob, offer_id))["errors"]
        # then
        assert [e["code"] for e in errors] == [code], offer_id
        assert errors[0]["field"] in {"offerId", "amount"}
    assert await written(hub.id) == before
    assert await balance(hub.id, bob) == 150
    assert await books(hub.id) == 0


async def test_a_retry_returns_the_same_voucher_and_another_request_with_the_key_is_refused(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given
    offer_id = await create_offer(gql, alice, shop, perMemberLimit=3)
    other_offer = await create_offer(gql, alice, shop, title="Cake")
    key = uuid.uuid4().hex
    # when: five concurrent retries of one request
    results = await asyncio.gather(*(redeem(gql, bob, offer_id, key) for _ in range(5)))
    # then: one voucher, one payment
    assert {r["voucher"]["code"] for r in results} == {results[0]["voucher"]["code"]}
    assert all(r["errors"] == [] for r in results)
    assert await Voucher.filter(hub_id=hub.id).count() == 1
    assert await balance(hub.id, bob) == 150
    # when: the key is reused for a different request
    before = await written(hub.id)
    mismatch = await redeem(gql, bob, other_offer, key)
    short_key = await redeem(gql, bob, offer_id, "short")
    # then
    assert mismatch["errors"][0]["code"] == "IDEMPOTENCY_MISMATCH"
    assert short_key["errors"][0] == {
        "code": "INVALID",
        "field": "idempotencyKey",
        "message": short_key["errors"][0]["message"],
    }
    assert await written(hub.id) == before


# --- the till -------------------------------------------------------------------------------


async def test_the_business_staff_check_and_use_a_code_once(
    gql: Any,
    hub: Any,
    other_hub: Any,
    alice: Person,
    shop: Organisation,
    till: dict[str, Person],
    bob: Person,
) -> None:
    # given
    offer_id = await create_offer(gql, alice, shop)
    code = (await redeem(gql, bob, offer_id))["voucher"]["code"]
    rival_owner = till["admin"]  # also runs another business: no rights over this shop's codes
    rival = await organisations.create_organisation(
        actor=actor_of(rival_owner), name="Rival", kind="business"
    )
    rival_staff = await create_person(hub=hub)
    await organisations.add_member(
        actor=actor_of(rival_owner),
        organisation_id=rival.id,
        member_id=rival_staff.member.id,
        role="staff",
    )
    stranger = await create_person(hub=other_hub)
    # when / then: the shop's owner, admin and staff see it; nobody else does, and each is
    # told why: another business's voucher (or their own, for the holder), or no such code in
    # their hub
    for person in (alice, till["admin"], till["staff"]):
        checked = (await gql(CHECK, {"code": f" {code.lower()} "}, as_=person))["voucherByCode"]
        assert checked["status"] == "ISSUED", person
        assert checked["offer"] == {"title": "Free coffee", "organisation": {"name": "Corner Cafe"}}
    refused = [(bob, "FORBIDDEN"), (rival_staff, "FORBIDDEN"), (stranger, "NOT_FOUND")]
    for person, why in refused:
        body = await gql.raw(CHECK, {"code": code}, as_=person)
        assert body["data"] == {"voucherByCode": None}
        assert body["errors"][0]["extensions"]["code"] == why, body
    unknown_check = await gql.raw(CHECK, {"code": "CH-AAAA-BBBB-CCCC-DDDD"}, as_=alice)
    assert unknown_check["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "code"}
    anonymous = await gql.raw(CHECK, {"code": code}, headers={"CH-Hub": hub.slug})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for person, why in refused:
        assert (await use(gql, person, code))["errors"][0]["code"] == why
    assert (await Voucher.get(code=code)).status == VoucherStatus.ISSUED
    # when: two tills use it at once
    results = await asyncio.gather(use(gql, till["staff"], code), use(gql, alice, code))
    # then: exactly once
    outcomes = Counter((r["errors"] or [{"code": "OK"}])[0]["code"] for r in results)
    assert outcomes == {"OK": 1, "VOUCHER_USED": 1}
    stored = await Voucher.get(code=code)
    assert stored.status == VoucherStatus.USED and stored.used_by_id in {
        till["staff"].member.id,
        alice.member.id,
    }
    assert (await gql(CHECK, {"code": code}, as_=alice))["voucherByCode"]["status"] == "USED"
    assert (await use(gql, alice, code))["errors"][0]["code"] == "VOUCHER_USED"
    unknown = await use(gql, alice, "CH-AAAA-BBBB-CCCC-DDDD")
    assert unknown["errors"][0] == {
        "code": "NOT_FOUND",
        "field": "code",
        "message": unknown["errors"][0]["message"],
    }


async def test_an_expired_code_cannot_be_used(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given: a voucher past its expiry that the cron has not settled yet
    offer_id = await create_offer(gql, alice, shop)
    code = (await redeem(gql, bob, offer_id))["voucher"]["code"]
    await Voucher.filter(code=code).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    # when
    used = await use(gql, alice, code)
    # then
    assert used["errors"][0]["code"] == "VOUCHER_EXPIRED"
    assert (await Voucher.get(code=code)).status == VoucherStatus.ISSUED


async def test_members_see_their_own_vouchers_and_codes_only(
    gql: Any,
    hub: Any,
    alice: Person,
    shop: Organisation,
    bob: Person,
    make_person: Any,
    fund: Any,
) -> None:
    # given
    coffee = await create_offer(gql, alice, shop)
    cake = await create_offer(gql, alice, shop, title="Cake")
    first = (await redeem(gql, bob, coffee))["voucher"]
    second = (await redeem(gql, bob, cake))["voucher"]
    await use(gql, alice, first["code"])
    carol = await make_person()
    await fund(hub.id, carol.member.id, 100)
    await redeem(gql, carol, coffee)
    # when
    everything = (await gql(MY_VOUCHERS, as_=bob))["myVouchers"]["edges"]
    issued = (await gql(MY_VOUCHERS, {"status": "ISSUED"}, as_=bob))["myVouchers"]["edges"]
    # then
    assert [e["node"]["offer"]["title"] for e in everything] == ["Cake", "Free coffee"]
    assert [e["node"]["code"] for e in issued] == [second["code"]]
    assert (await gql(NODE, {"id": second["id"]}, as_=bob))["node"] == {"code": second["code"]}
    assert (await gql(NODE, {"id": second["id"]}, as_=carol))["node"] is None
    # the shop that issued it sees the voucher, never its code (whoever has it spends it)
    seen_by_shop = await gql.raw(NODE, {"id": second["id"]}, as_=alice)
    assert seen_by_shop["data"]["node"] is None
    assert [e["extensions"]["code"] for e in seen_by_shop["errors"]] == ["FORBIDDEN"]
    anonymous = await gql.raw(MY_VOUCHERS, headers={"CH-Hub": hub.slug})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- the refund cron ------------------------------------------------------------------------


async def test_expired_vouchers_are_refunded_once_even_when_the_cron_runs_twice_at_once(
    gql: Any, hub: Any, alice: Person, shop: Organisation, make_person: Any, fund: Any
) -> None:
    # given: six members each hold a refundable and a final voucher; one was used
    refundable = await create_offer(gql, alice, shop, refundUnused=True, stock=10)
    final = await create_offer(gql, alice, shop, title="Cake", stock=10)
    people = [await make_person() for _ in range(6)]
    for person in people:
        await fund(hub.id, person.member.id, 100)
        assert (await redeem(gql, person, refundable))["errors"] == []
        assert (await redeem(gql, person, final))["errors"] == []
    used_code = (await Voucher.filter(hub_id=hub.id).order_by("id").first()).code  # type: ignore[union-attr]
    await use(gql, alice, used_code)
    assert (await ledger.organisation_account(hub.id, shop.id)).balance == 600
    later = datetime.now(UTC) + timedelta(days=15)
    # when: two cron runs race (the cron is hub-wide, so its count includes other tests' rows)
    await asyncio.gather(
        offers.refund_expired_vouchers(now=later), offers.refund_expired_vouchers(now=later)
    )
    await offers.refund_expired_vouchers(now=later)
    # then
    vouchers = await Voucher.filter(hub_id=hub.id).order_by("id")
    refund_offer = await VoucherOffer.get(hub_id=hub.id, refund_unused=True)
    refunds = await Transfer.filter(hub_id=hub.id, kind=TransferKind.REFUND)
    assert Counter(v.status for v in vouchers) == {
        VoucherStatus.USED: 1,
        VoucherStatus.REFUNDED: 5,
        VoucherStatus.EXPIRED: 6,
    }
    assert len(refunds) == 5
    by_id = {t.id: t for t in refunds}
    for voucher in vouchers:
        if voucher.status == VoucherStatus.REFUNDED:
            assert voucher.offer_id == refund_offer.id
            refund = by_id[voucher.refund_id]  # type: ignore[index]
            assert refund.reference == f"voucher-refund:{voucher.id}" and refund.amount == 50
        else:
            assert voucher.refund_id is None
    balances = Counter([await balance(hub.id, p) for p in people])
    assert balances == {50: 5, 0: 1}  # the one who used the voucher got nothing back
    assert (await ledger.organisation_account(hub.id, shop.id)).balance == 600 - 5 * 50
    assert await books(hub.id) == 0


async def test_a_refund_waits_until_the_business_can_pay_it(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given: the business has passed its takings on
    offer_id = await create_offer(gql, alice, shop, refundUnused=True)
    code = (await redeem(gql, bob, offer_id))["voucher"]["code"]
    shop_account = await ledger.organisation_account(hub.id, shop.id)
    issuance = await ledger.system_account(hub.id, SystemAccount.ISSUANCE)
    async with in_transaction():
        await ledger.post(
            source=shop_account, destination=issuance, amount=50, kind=TransferKind.ADJUSTMENT
        )
    later = datetime.now(UTC) + timedelta(days=15)
    # when
    await offers.refund_expired_vouchers(now=later)
    # then: nothing moved, the voucher waits, and it cannot be used meanwhile
    voucher = await Voucher.get(code=code)
    assert voucher.status == VoucherStatus.ISSUED and voucher.refund_id is None
    assert await balance(hub.id, bob) == 150
    # when: the business has credits again
    async with in_transaction():
        await ledger.post(
            source=issuance, destination=shop_account, amount=50, kind=TransferKind.ADJUSTMENT
        )
    await offers.refund_expired_vouchers(now=later)
    # then
    assert (await Voucher.get(code=code)).status == VoucherStatus.REFUNDED
    assert await balance(hub.id, bob) == 200
    assert await books(hub.id) == 0


# --- regressions found by these tests ----------------------------------------------------


async def test_an_expired_unrefunded_voucher_still_counts_towards_the_limit(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person
) -> None:
    # given
    offer_id = await create_offer(gql, alice, shop, perMemberLimit=1, voucherDays=1)
    assert (await redeem(gql, bob, offer_id))["errors"] == []
    await Voucher.filter(hub_id=hub.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    await offers.refund_expired_vouchers()
    assert (await Voucher.get(hub_id=hub.id)).status == VoucherStatus.EXPIRED
    # when
    again = await redeem(gql, bob, offer_id)
    # then
    assert again["errors"][0]["code"] == "LIMIT_REACHED"


async def test_a_time_without_an_offset_is_a_typed_error(
    gql: Any, hub: Any, alice: Person, shop: Organisation
) -> None:
    # when
    body = await gql.raw(
        CREATE_OFFER, offer_input(shop, validUntil="2099-01-01T00:00:00"), as_=alice
    )
    # then
    errors = body["data"]["createVoucherOffer"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", "validUntil")]


async def test_vouchers_waiting_for_a_refund_do_not_hold_back_the_rest(
    gql: Any, hub: Any, alice: Person, shop: Organisation, bob: Person, monkeypatch: Any
) -> None:
    # given: two vouchers whose refund must wait (the business gave its takings away), then
    # one that needs no refund, and a batch smaller than the waiting ones
    waiting = await create_offer(gql, alice, shop, refundUnused=True, perMemberLimit=5)
    codes = [(await redeem(gql, bob, waiting))["voucher"]["code"] for _ in range(2)]
    plain = await create_offer(gql, alice, shop, refundUnused=False, title="No refunds")
    last = (await redeem(gql, bob, plain))["voucher"]["code"]
    shop_account = await ledger.organisation_account(hub.id, shop.id)
    issuance = await ledger.system_account(hub.id, SystemAccount.ISSUANCE)
    async with in_transaction():
        await ledger.post(
            source=shop_account,
            destination=issuance,
            amount=(await ledger.organisation_account(hub.id, shop.id)).balance,
            kind=TransferKind.ADJUSTMENT,
        )
    monkeypatch.setattr(offers, "REFUND_BATCH", 2)
    # when
    settled = await offers.refund_expired_vouchers(now=datetime.now(UTC) + timedelta(days=15))
    # then: the two wait, and the one behind them is settled in the same run
    assert settled == 1
    assert [(await Voucher.get(code=c)).status for c in codes] == [VoucherStatus.ISSUED] * 2
    assert (await Voucher.get(code=last)).status == VoucherStatus.EXPIRED
    assert await books(hub.id) == 0
