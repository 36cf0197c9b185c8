"""The member's side of notifications: marking them read."""

from datetime import UTC, datetime

from app.actor import Actor
from app.matching.models import Notification


async def mark_read(*, actor: Actor, notification_ids: list[int] | None = None) -> int:
    """Marks the given notifications (or all) of the acting member read; returns how many."""
    query = Notification.filter(
        hub_id=actor.hub_id, member_id=actor.member_id, read_at__isnull=True
    )
    if notification_ids is not None:
        query = query.filter(id__in=notification_ids[:500])
    return await query.update(read_at=datetime.now(UTC))
