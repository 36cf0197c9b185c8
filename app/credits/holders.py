"""Whose account is which, remembered per process: the policy's "the viewer's own account"
check (app/credits/policy.py) then needs no statement for a member the ledger has posted for
in this process (a payment tells it both members' accounts).

Sound because an account's holder never changes: its id and hub are kept by ledger_rows_kept
(migration 0022) and its member, organisation and system by account_holder_kept (0028); and
an account is never deleted. Only found accounts are remembered (a member without one may
open one later)."""

from collections import OrderedDict

MAX_REMEMBERED = 200_000
_accounts: OrderedDict[tuple[int, int], int] = OrderedDict()


def remember(*, hub_id: int, member_id: int, account_id: int) -> None:
    """Remembers the member's account; past MAX_REMEMBERED the least recently used is dropped
    (a bounded LRU: memory stays flat and active payers stay remembered)."""
    key = (hub_id, member_id)
    _accounts[key] = account_id
    _accounts.move_to_end(key)
    if len(_accounts) > MAX_REMEMBERED:
        _accounts.popitem(last=False)


def known(*, hub_id: int, member_id: int) -> int | None:
    """The member's account id if this process has seen it, else None (not looked up)."""
    account_id = _accounts.get((hub_id, member_id))
    if account_id is not None:
        _accounts.move_to_end((hub_id, member_id))
    return account_id
