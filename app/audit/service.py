"""Record what members (and coordinators for them) did."""

from typing import Any

from app.actor import Actor
from app.audit.models import AuditEvent


async def record(
    *,
    actor: Actor | None,
    hub_id: int,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    data: dict[str, Any] | None = None,
    subject_id: int | None = None,
) -> AuditEvent:
    """Appends one audit event; call it inside the use case's transaction.

    `data` holds ids, codes and field names, never personal values (names, emails, free
    text): the log is append-only (migration 0034), so erasing a member could not remove them.
    `subject_id` is the member the action was about; an action on a Member row is about them.
    """
    if subject_id is None and object_type == "Member":
        subject_id = object_id
    return await AuditEvent.create(
        hub_id=hub_id,
        actor_id=actor.member_id if actor else None,
        acted_by_id=actor.acted_by.id if actor and actor.acted_by else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
        subject_id=subject_id,
    )
