"""The ledger's entries keep their references without per-row foreign keys (migration 0022): an
entry must be on one of its transfer's two accounts, in the transfer's hub, checked once per
statement; entries never move; transfers and accounts are never deleted or re-keyed. A refused
statement writes nothing."""

from typing import Any

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from app.credits import ledger
from app.credits.models import Account, SystemAccount, TransferKind

INSERT = """
INSERT INTO entry (hub_id, transfer_id, account_id, amount, balance_after, category, created_at)
SELECT h, t, a, 1, 0, 'test', now() FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS x(h, t, a)
"""


async def _posted(hub_id: int, member_id: int) -> tuple[int, Account, Account]:
    issuance = await ledger.system_account(hub_id, SystemAccount.ISSUANCE)
    account = await ledger.member_account(hub_id, member_id)
    async with in_transaction():
        transfer = await ledger.post(
            source=issuance, destination=account, amount=5, kind=TransferKind.ADJUSTMENT
        )
    return transfer.id, issuance, account


async def _refused(sql: str, params: list[Any]) -> str:
    conn = Tortoise.get_connection("default")
    with pytest.raises((IntegrityError, OperationalError, asyncpg.PostgresError)) as raised:
        async with in_transaction():
            await conn.execute_query(sql, params)
    return str(raised.value)


async def test_entries_must_reference_their_transfer_and_its_accounts_in_its_hub(
    hub: Any, other_hub: Any, alice: Any, make_person: Any
) -> None:
    # given: a posted transfer in each hub, and a third account of the first hub
    transfer_id, issuance, account = await _posted(hub.id, alice.member.id)
    ben = await make_person(display_name="Ben")
    stranger = await ledger.member_account(hub.id, ben.member.id)
    from app.people.models import Member

    other_member = await Member.create(hub_id=other_hub.id, display_name="Elsewhere")
    other_transfer, _, other_account = await _posted(other_hub.id, other_member.id)
    conn = Tortoise.get_connection("default")
    count = "SELECT count(*)::int AS n FROM entry"
    before = (await conn.execute_query_dict(count))[0]["n"]
    # when / then: each bad row, alone or among good ones, refuses the whole statement
    bad_rows = [
        (hub.id, 999_999_999, account.id),  # no such transfer
        (hub.id, transfer_id, stranger.id),  # not one of the transfer's accounts
        (other_hub.id, transfer_id, account.id),  # the transfer is in another hub
        (hub.id, other_transfer, other_account.id),  # the entry says the wrong hub
    ]
    for bad in bad_rows:
        rows = [(hub.id, transfer_id, issuance.id), bad, (hub.id, transfer_id, account.id)]
        message = await _refused(INSERT, [list(c) for c in zip(*rows, strict=True)])
        assert "entry_references_exist" in message or "no such transfer" in message, message
    assert (await conn.execute_query_dict(count))[0]["n"] == before
    # and: good rows pass (the check is per statement, not per row)
    rows = [(hub.id, transfer_id, issuance.id), (hub.id, transfer_id, account.id)]
    await conn.execute_query(INSERT, [list(c) for c in zip(*rows, strict=True)])
    assert (await conn.execute_query_dict(count))[0]["n"] == before + 2


async def test_entries_never_move_and_their_transfers_and_accounts_are_kept(
    hub: Any, alice: Any
) -> None:
    # given: a posted transfer with its two entries, and a pending hold (no entries)
    transfer_id, issuance, account = await _posted(hub.id, alice.member.id)
    async with in_transaction():
        hold = await ledger.hold(
            source=account, destination=issuance, amount=1, kind=TransferKind.EXCHANGE
        )
    # when / then: moving an entry, deleting or re-keying its transfer or account is refused
    attempts = [
        ("UPDATE entry SET account_id = $2 WHERE transfer_id = $1", [transfer_id, issuance.id]),
        ("UPDATE entry SET transfer_id = transfer_id + 1 WHERE transfer_id = $1", [transfer_id]),
        ("DELETE FROM transfer WHERE id = $1", [transfer_id]),
        ("UPDATE transfer SET id = id + 1000000 WHERE id = $1", [transfer_id]),
        ("DELETE FROM account WHERE id = $1", [account.id]),
        ("UPDATE account SET hub_id = hub_id + 1 WHERE id = $1", [account.id]),
        ("DELETE FROM transfer WHERE id = $1", [hold.id]),  # a hold: no entries, kept too
    ]
    for sql, params in attempts:
        message = await _refused(sql, params)
        assert "never change" in message or "append-only" in message, (sql, message)
    # and: ordinary updates of the same rows still work (status, balances)
    async with in_transaction():
        await Account.filter(id=account.id).update(overdraft_limit=3)
    assert (await Account.get(id=account.id)).overdraft_limit == 3
