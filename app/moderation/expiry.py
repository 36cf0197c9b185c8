"""Suspensions that ran out are lifted by the periodic worker (workers/tasks.py), each in its
own transaction, as a reinstatement with no moderator (restoring what can be restored)."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.errors import DomainError
from app.moderation import suspensions
from app.moderation.models import Suspension

BATCH = 200


async def lift_expired(now: datetime | None = None) -> int:
    """Lifts suspensions whose end has passed; returns how many."""
    now = now or datetime.now(UTC)
    due = await Suspension.filter(lifted_at__isnull=True, ends_at__lte=now).limit(BATCH)
    lifted = 0
    for suspension in due:
        try:
            async with in_transaction():
                await suspensions.reinstate(
                    actor=None,
                    hub_id=suspension.hub_id,
                    member_id=suspension.member_id,
                    reason="Your suspension has ended.",
                )
        except DomainError:  # reinstated meanwhile by a moderator: close the row
            await Suspension.filter(id=suspension.id, lifted_at__isnull=True).update(lifted_at=now)
            continue
        suspensions.forget_sessions(suspension.member_id)
        lifted += 1
    return lifted
