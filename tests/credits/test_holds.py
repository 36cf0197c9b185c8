"""Holds are posted or voided, never lost: an expired hold is voided by the cron."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from app.credits import ledger, service
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.errors import DomainError
from tests.credits.conftest import books


async def _hold(hub: Any, member_id: int, amount: int, expires: datetime) -> Transfer:
    async with in_transaction():
        return await ledger.hold(
            source=await ledger.member_account(hub.id, member_id),
            destination=await ledger.system_account(hub.id, SystemAccount.CAMPAIGN_ESCROW),
            amount=amount,
            kind=TransferKind.PLEDGE,
            expires_at=expires,
        )


async def test_a_hold_reserves_then_posts_or_voids(hub: Any, alice: Any, fund: Any) -> None:
    await fund(hub.id, alice.member.id, 100)
    held = await _hold(hub, alice.member.id, 60, datetime.now(UTC) + timedelta(days=1))
    account = await Account.get(hub_id=hub.id, member_id=alice.member.id)
    assert (account.balance, account.held) == (100, 60)
    with pytest.raises(DomainError) as refused:
        await _hold(hub, alice.member.id, 50, datetime.now(UTC) + timedelta(days=1))
    assert refused.value.code == "insufficient_credits"
    async with in_transaction():
        await ledger.post_hold(held.id)
    account = await Account.get(id=account.id)
    assert (account.balance, account.held) == (40, 0)
    with pytest.raises(DomainError):
        async with in_transaction():
            await ledger.void_hold(held.id)
    assert await books(hub.id) == 0


async def test_expired_holds_are_voided_once(hub: Any, alice: Any, fund: Any) -> None:
    await fund(hub.id, alice.member.id, 100)
    hold = await _hold(hub, alice.member.id, 30, datetime.now(UTC) - timedelta(seconds=1))
    assert await service.expire_holds() >= 1
    await service.expire_holds()
    assert (await Transfer.get(id=hold.id)).status == TransferStatus.VOIDED
    account = await Account.get(hub_id=hub.id, member_id=alice.member.id)
    assert (account.balance, account.held) == (100, 0)
