"""Helpers of the bookings and loans tests: credits to spend, what an account holds, times."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.credits import ledger
from app.credits.models import Account, SystemAccount, Transfer, TransferKind
from tests.helpers import Person


async def fund(person: Person, amount: int) -> None:
    """Gives the member `amount` credits from the hub's issuance."""
    hub_id = person.member.hub_id  # type: ignore[attr-defined]
    await ledger.post(
        source=await ledger.system_account(hub_id, SystemAccount.ISSUANCE),
        destination=await ledger.member_account(hub_id, person.member.id),
        amount=amount,
        kind=TransferKind.ADJUSTMENT,
        memo="test funding",
    )


async def books(person: Person) -> tuple[int, int]:
    """(balance, held) of the member's account."""
    hub_id = person.member.hub_id  # type: ignore[attr-defined]
    account = await Account.get(hub_id=hub_id, member_id=person.member.id)
    return account.balance, account.held


async def transfers(hub: Any, kind: TransferKind) -> list[tuple[int, str]]:
    """(amount, status) of the hub's transfers of `kind`, oldest first."""
    rows = Transfer.filter(hub_id=hub.id, kind=kind).order_by("id")
    return [(t.amount, t.status.value) for t in await rows]


def soon(minutes: int = 5) -> datetime:
    """A whole minute `minutes` from now (UTC)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now + timedelta(minutes=minutes + 1)


def iso(when: datetime) -> str:
    return when.isoformat()
