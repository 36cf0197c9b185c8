"""The payee side of the protocol, in process (review fixes of issue 22)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from app.credits.models import Account, Transfer
from app.federation import protocol, receiving, remote, signing
from app.federation.models import HubLink, PaymentRole, PaymentState, RemotePayment
from app.people.models import Role
from tests.federation.conftest import Pair, actor


async def _remote_link(pair: Pair, *, rate: tuple[int, int] = (1, 1)) -> HubLink:
    """The payee hub's side of an active link with a hub on another installation."""
    _private, public = signing.new_key_pair()
    link, _own = await remote.connect(
        actor=actor(pair.other_admin, Role.HUB_ADMIN), partner_slug="far",
        partner_name="Far Hub", partner_url="http://127.0.0.1:9", partner_key=public,
        rate_numerator=rate[0], rate_denominator=rate[1], credit_limit=1000,
    )  # fmt: skip
    return link


def _prepare_body(pair: Pair, amount: int, payer_amount: int) -> dict[str, Any]:
    deadline = datetime.now(UTC) + timedelta(minutes=5)
    return {
        "amount": amount, "payer_amount": payer_amount, "payee_id": pair.payee.member.id,
        "payer_name": "Faraway Fran", "deadline": deadline.isoformat(),
    }  # fmt: skip


async def test_a_void_before_the_prepare_leaves_a_placeholder_and_the_prepare_holds_nothing(
    pair: Pair,
) -> None:
    link = await _remote_link(pair)
    payment_id = uuid.uuid4()
    assert await receiving._decide(link, payment_id, "void") == {"state": "voided"}
    placeholder = await RemotePayment.get(hub_id=link.hub_id, payment_id=payment_id)
    assert (placeholder.role, placeholder.state) == (PaymentRole.PAYEE, PaymentState.VOIDED)
    # the PREPARE that was still in flight arrives: voided, no hold
    answer = await receiving._prepare(link, payment_id, _prepare_body(pair, 5, 5))
    assert answer == {"state": "voided"}
    assert not await Transfer.filter(reference=f"xhub:{payment_id}").exists()
    clearing = await Account.get(hub_id=link.hub_id, link_id=link.id)
    assert clearing.balance == 0
    # a repeated VOID answers the same and writes nothing more
    assert await receiving._decide(link, payment_id, "void") == {"state": "voided"}
    assert await RemotePayment.filter(payment_id=payment_id).count() == 1


async def test_a_commit_for_an_unknown_payment_is_refused(pair: Pair) -> None:
    link = await _remote_link(pair)
    try:
        await receiving._decide(link, uuid.uuid4(), "commit")
    except receiving.Refused as exc:
        assert exc.code == "unknown_payment"
    else:
        raise AssertionError("not refused")


async def test_a_links_other_side_is_the_partner_hubs_row_not_any_row_with_its_pair(
    pair: Pair,
) -> None:
    from tortoise.transactions import in_transaction

    from app.errors import DomainError
    from app.federation import links, payments
    from app.federation.models import LinkStatus
    from app.hubs import service as hubs

    mine, theirs = await pair.link()
    suffix = uuid.uuid4().hex[:8]
    third = await hubs.create_hub(name=f"Third {suffix}", slug=f"third-{suffix}")
    third_admin = await _admin(third)
    # connect refuses a pair that exists (typed error, nothing written)
    try:
        await remote.connect(
            actor=actor(third_admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far",
            partner_url="http://127.0.0.1:9", pair=mine.pair,
        )  # fmt: skip
    except DomainError as exc:
        assert (exc.code, exc.field) == ("already_linked", "pair")
    else:
        raise AssertionError("not refused")
    assert not await HubLink.filter(hub_id=third.id).exists()
    # a row with the same pair elsewhere (as one written before the check) is not the partner
    await HubLink.create(
        hub_id=third.id, partner_hub_id=None, partner_name="Far", partner_slug="far",
        pair=mine.pair, status=LinkStatus.ACTIVE,
    )  # fmt: skip
    async with in_transaction():
        found_mine, found_theirs = await payments._link(pair.hub.id, pair.other.slug)
        assert (found_mine.id, found_theirs and found_theirs.id) == (mine.id, theirs.id)
        both = await links.both_sides(actor(pair.other_admin, Role.HUB_ADMIN), theirs.id)
        assert (both[0].id, both[1] and both[1].id) == (theirs.id, mine.id)


async def _admin(hub: Any) -> Any:
    from tests.helpers import create_person

    return await create_person(hub=hub, display_name="Admin C", roles=[Role.HUB_ADMIN])


async def test_the_payee_side_refuses_an_amount_not_converted_at_its_rate(pair: Pair) -> None:
    from tests.federation.conftest import written

    link = await _remote_link(pair, rate=(1, 2))  # one credit here is half of theirs
    before = await written([pair.other.id])
    for amount, payer_amount in ((10, 10), (9, 20), (11, 20), (5, 0), (3, 7)):
        payment_id = uuid.uuid4()
        answer = await receiving._prepare(
            link, payment_id, _prepare_body(pair, amount, payer_amount)
        )
        assert answer == {"state": "refused", "code": "not_convertible"}, (amount, payer_amount)
        assert not await RemotePayment.filter(payment_id=payment_id).exists()
    assert await written([pair.other.id]) == before
    answer = await receiving._prepare(link, uuid.uuid4(), _prepare_body(pair, 10, 5))
    assert answer == {"state": "prepared"}


async def test_erasing_a_member_clears_their_name_in_the_partner_hubs_transfers(
    pair: Pair,
) -> None:
    from app.federation import payments
    from app.gdpr import erasure
    from tests.federation.conftest import fund, key

    await pair.link()
    await fund(pair.hub.id, pair.payer.member.id, 10)
    out = await payments.pay(
        actor=actor(pair.payer), partner_slug=pair.other.slug, payee_id=pair.payee.member.id,
        amount=4, idempotency_key=key(),
    )  # fmt: skip
    into = await Transfer.get(reference=out.reference, hub_id=pair.other.id)
    assert out.data["partner_member"] == "Pedro"
    assert out.data["partner_member_id"] == pair.payee.member.id
    assert (into.data["partner_member"], into.data["partner_member_id"]) == (
        "Paola",
        pair.payer.member.id,
    )
    await erasure.erase_account(actor=actor(pair.payee), confirm="ERASE")
    out, into = await Transfer.get(id=out.id), await Transfer.get(id=into.id)
    assert out.data["partner_member"] == ""  # the payer's hub no longer names Pedro
    assert into.data["partner_member"] == "Paola"
    await erasure.erase_account(actor=actor(pair.payer), confirm="ERASE")
    assert (await Transfer.get(id=into.id)).data["partner_member"] == ""


async def test_refusals_and_the_remote_member_label_are_marked_texts(pair: Pair) -> None:
    from app.federation import payments
    from app.i18n import Msg, localize, use_locale
    from app.i18n.stored import render
    from tests.federation.conftest import fund

    codes = {"expired", "link_not_active", "category_not_allowed", "not_found", "invalid"}
    assert codes | {"not_convertible", "over_link_limit"} == set(payments._REFUSALS)
    for message in (*payments._REFUSALS.values(), payments._REFUSED):
        assert isinstance(message, Msg)
        assert localize(message, "it") != str(message) != localize(message, "es")
    # the payer's side knows only the remote payee's id: a label read in each language
    _private, public = signing.new_key_pair()
    link, _own = await remote.connect(
        actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far Hub",
        partner_url="http://127.0.0.1:9", partner_key=public,
    )  # fmt: skip
    await fund(pair.hub.id, pair.payer.member.id, 10)
    payment = await protocol.start(
        hub_id=pair.hub.id, link=link, payer=pair.payer.member, payee_id=77, amount=3,
        memo="", category="exchange",
    )  # fmt: skip
    hold = await Transfer.get(id=payment.hold_id)
    assert hold.data["partner_member"] == "member 77"
    assert hold.data["partner_remote_member_id"] == 77
    with use_locale("it"):
        assert render(hold.data["texts"]["partner_member"]) == "membro 77"
