"""Linked accounts across installations, one side in process (the partner stubbed): what each
message does here, and what the sync does with each answer (app/federation/remote_accounts.py).
The two real installations are in test_two_installations.py."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise

from app.errors import DomainError
from app.federation import accounts, protocol, remote, remote_accounts, signing
from app.federation.models import AccountLink, AccountLinkStatus, HubLink, LinkStatus
from app.people.models import Role
from tests.federation.conftest import Pair, actor


async def _remote_link(pair: Pair, *, status: LinkStatus = LinkStatus.ACTIVE) -> HubLink:
    """Hub `pair.hub`'s side of a link with hub `far` on another installation."""
    _private, public = signing.new_key_pair()
    link, _own = await remote.connect(
        actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far Hub",
        partner_url="http://127.0.0.1:9", partner_key=public,
    )  # fmt: skip
    if status != LinkStatus.ACTIVE:
        await HubLink.filter(id=link.id).update(status=status)
    return link


class Partner:
    """The other installation, stubbed: answers each message with `answer(body)`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        self.answer = answer

        async def send(link: HubLink, body: dict[str, Any]) -> dict[str, Any]:
            self.sent.append(body)
            result = self.answer(body)
            if isinstance(result, Exception):
                raise result
            return result  # type: ignore[no-any-return]

        monkeypatch.setattr(protocol, "send", send)


async def _written(pair: Pair) -> dict[str, int]:
    conn = Tortoise.get_connection("default")
    counts = {}
    for table in ("account_link", "audit_event", "outbox_job"):
        rows = await conn.execute_query_dict(f"SELECT count(*)::int AS n FROM {table}")
        counts[table] = rows[0]["n"]
    return counts


async def test_asking_a_partner_hub_keeps_a_pending_row_and_sends_the_request(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = await _remote_link(pair)
    partner = Partner(monkeypatch, lambda body: {"state": "requested"})
    row = await accounts.request_link(
        actor=actor(pair.payer), hub_slug="FAR", email="Paola@Far.example.org"
    )
    assert (row.status, row.hub_link_id, row.member_a_id, row.member_b_id) == (
        AccountLinkStatus.PENDING, link.id, pair.payer.member.id, None,
    )  # fmt: skip
    [sent] = partner.sent
    assert sent == {"type": "account_link_request", "message_id": str(row.ref),
                    "pair": str(link.pair), "ref": str(row.ref),
                    "member_id": pair.payer.member.id,
                    "email": "paola@far.example.org"}  # fmt: skip
    [view] = await accounts.links_of(actor=actor(pair.payer))
    assert (view.hub_name, view.hub_slug, view.remote, view.asked_by_me) == (
        "Far Hub", "far", True, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [protocol.Unreachable("down"), {"error": "bad_signature"}],
    ids=["unreachable", "refused"],
)
async def test_an_unanswered_request_keeps_nothing(
    pair: Pair, monkeypatch: pytest.MonkeyPatch, answer: Any
) -> None:
    await _remote_link(pair)
    Partner(monkeypatch, lambda body: answer)
    before = await _written(pair)
    with pytest.raises(DomainError) as refused:
        await accounts.request_link(actor=actor(pair.payer), hub_slug="far", email="p@x.org")
    assert (refused.value.code, refused.value.field) == ("partner_unreachable", "hubSlug")
    assert await _written(pair) == before


async def test_a_link_that_is_not_active_refuses_the_request(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _remote_link(pair, status=LinkStatus.DECLINED)
    partner = Partner(monkeypatch, lambda body: {"state": "requested"})
    before = await _written(pair)
    with pytest.raises(DomainError) as refused:
        await accounts.request_link(actor=actor(pair.payer), hub_slug="far", email="p@x.org")
    assert refused.value.code == "link_not_active"
    assert (await _written(pair), partner.sent) == (before, [])


async def _active(pair: Pair, link: HubLink, *, remote_member_id: int = 77) -> AccountLink:
    return await AccountLink.create(
        hub_a_id=pair.hub.id, member_a_id=pair.payer.member.id, hub_link_id=link.id,
        ref=uuid.uuid4(), remote_member_id=remote_member_id, status=AccountLinkStatus.ACTIVE,
        expires_at=datetime.now(UTC) + timedelta(days=1), confirmed_at=datetime.now(UTC),
    )  # fmt: skip


async def test_verified_hours_are_answered_only_for_an_active_link_with_the_asker(
    pair: Pair,
) -> None:
    link = await _remote_link(pair)
    row = await _active(pair, link, remote_member_id=77)
    assert row.ref is not None
    answer = await remote_accounts._on_hours(link, row.ref, 77)
    assert answer == {"state": "active", "member_id": pair.payer.member.id, "minutes": 0,
                      "services": 0, "lines": []}  # fmt: skip
    for ref, asker in ((row.ref, 78), (uuid.uuid4(), 77)):
        with pytest.raises(remote_accounts.Unknown):
            await remote_accounts._on_hours(link, ref, asker)
    await AccountLink.filter(id=row.id).update(status=AccountLinkStatus.PENDING)
    with pytest.raises(remote_accounts.Unknown):
        await remote_accounts._on_hours(link, row.ref, 77)


async def test_the_sync_caches_the_hours_drops_a_link_the_partner_forgot_and_keeps_a_pending_ask(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = await _remote_link(pair)
    row = await _active(pair, link)
    lines = [{"title": "Repair cafe", "minutes": 45, "services": 1, "last": "2026-11-30"}]
    partner = Partner(
        monkeypatch,
        lambda body: {
            "state": "active",
            "member_id": 77,
            "minutes": 45,
            "services": 1,
            "lines": lines,
        },
    )
    assert await remote_accounts.refresh(row) == "fetched"
    cached = await AccountLink.get(id=row.id)
    assert (cached.remote_minutes, cached.remote_services, cached.remote_lines) == (45, 1, lines)
    assert partner.sent[0]["type"] == "verified_hours"
    [_own, far] = await accounts.hours_by_hub(hub_id=pair.hub.id, member_id=pair.payer.member.id)
    assert (far.hub_slug, far.own, far.minutes, far.services) == ("far", False, 45, 1)
    assert far.fetched_at is not None
    # malformed hours: nothing cached over the last good ones
    partner.answer = lambda body: {"state": "active", "member_id": 77, "minutes": -5,
                                   "services": 1}  # fmt: skip
    assert await remote_accounts.refresh(row) == "unexpected"
    assert (await AccountLink.get(id=row.id)).remote_minutes == 45
    # the partner no longer knows it: an active link goes; a pending ask stays until it expires
    partner.answer = lambda body: {"error": "unknown_account_link"}
    pending = await AccountLink.create(
        hub_a_id=pair.hub.id, member_a_id=pair.payee.member.id, hub_link_id=link.id,
        ref=uuid.uuid4(), status=AccountLinkStatus.PENDING,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )  # fmt: skip
    assert await remote_accounts.refresh(row) == "dropped"
    assert await remote_accounts.refresh(pending) == "pending"
    assert not await AccountLink.exists(id=row.id)
    assert await AccountLink.exists(id=pending.id)


async def test_a_removal_waits_for_the_partner_then_goes(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = await _remote_link(pair)
    row = await _active(pair, link)
    await AccountLink.filter(id=row.id).update(remote_minutes=45, fetched_at=datetime.now(UTC))
    partner = Partner(monkeypatch, lambda body: protocol.Unreachable("down"))
    await accounts.remove_link(actor=actor(pair.payer), link_id=row.id)
    waiting = await AccountLink.get(id=row.id)
    assert (waiting.status, waiting.remote_minutes, waiting.fetched_at) == (
        AccountLinkStatus.REMOVING, None, None,
    )  # fmt: skip
    assert await accounts.links_of(actor=actor(pair.payer)) == []
    with pytest.raises(DomainError):  # removed already, as the member sees it
        await accounts.remove_link(actor=actor(pair.payer), link_id=row.id)
    partner.answer = lambda body: {"state": "removed"}
    assert await remote_accounts.deliver_removal(waiting) is True
    assert not await AccountLink.exists(id=row.id)
    assert partner.sent[-1] == {"type": "account_link_removed",
                                "message_id": f"account_link_removed:{row.ref}",
                                "pair": str(link.pair), "ref": str(row.ref)}  # fmt: skip
