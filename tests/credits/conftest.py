"""Fixtures of the credits tests: funding members from the hub's issuance account."""

from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.credits import ledger
from app.credits.models import Account, SystemAccount, TransferKind
from tests.opportunities.conftest import category, post  # noqa: F401  (shared fixtures)


async def fund_member(hub_id: int, member_id: int, amount: int) -> Account:
    async with in_transaction():
        await ledger.post(
            source=await ledger.system_account(hub_id, SystemAccount.ISSUANCE),
            destination=await ledger.member_account(hub_id, member_id),
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
            memo="test funding",
        )
    return await ledger.member_account(hub_id, member_id)


async def books(hub_id: int) -> int:
    """Sum of every account of the hub: always 0 in double entry."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(balance), 0)::bigint AS total FROM account WHERE hub_id = $1", [hub_id]
    )
    return int(rows[0]["total"])


@pytest.fixture
def fund() -> Any:
    return fund_member
