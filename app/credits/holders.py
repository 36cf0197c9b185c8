"""Whose account is which, remembered per process: the policy's "the viewer's own account"
check (app/credits/policy.py) then needs no statement once the viewer's account was seen.

Sound because an account's holder never changes: its id and hub are kept by ledger_rows_kept
(migration 0022) and its member, organisation and system by account_holder_kept (0024); and
an account is never deleted. Only found accounts are remembered (a member without one may
open one later)."""

from tortoise import Tortoise

MAX_REMEMBERED = 200_000
_accounts: dict[tuple[int, int], int] = {}


def remember(*, hub_id: int, member_id: int, account_id: int) -> None:
    if len(_accounts) >= MAX_REMEMBERED:
        _accounts.clear()
    _accounts[(hub_id, member_id)] = account_id


def known(*, hub_id: int, member_id: int) -> int | None:
    """The member's account id if this process has seen it, else None (not looked up)."""
    return _accounts.get((hub_id, member_id))


async def account_of(*, hub_id: int, member_id: int) -> int | None:
    """The member's account id (one statement the first time), or None if they have none."""
    found = known(hub_id=hub_id, member_id=member_id)
    if found is not None:
        return found
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT id FROM account WHERE hub_id = $1 AND member_id = $2", [hub_id, member_id]
    )
    if not rows:
        return None
    remember(hub_id=hub_id, member_id=member_id, account_id=rows[0]["id"])
    return int(rows[0]["id"])
