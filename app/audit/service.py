"""Record what members (and coordinators for them) did."""

from collections.abc import Iterable
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
    text): the log is append-only (migration 0036), so erasing a member could not remove them.
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


PRIVATE_READ = "private.read"


ACT_FOR = "act_for"


async def record_act_for(*, actor: Actor, operation: str) -> AuditEvent:
    """A change a coordinator made for a member (CH-Act-For): the member is the actor and the
    subject, the coordinator `acted_by`; call it in the change's transaction, once it went
    through (schema/acting_for.py does, for every mutation)."""
    return await record(
        actor=actor,
        hub_id=actor.hub_id,
        action=ACT_FOR,
        object_type="Mutation",
        data={"mutation": operation},
        subject_id=actor.member_id,
    )


async def record_private_reads(*, actor: Actor, field: str, member_ids: Iterable[int]) -> None:
    """A moderator or hub admin read `field` (e.g. "Member.trustChecks") of these members:
    one row per member (their own reads are not recorded), all in one statement."""
    rows = [
        AuditEvent(
            hub_id=actor.hub_id,
            actor_id=actor.member_id,
            acted_by_id=actor.acted_by.id if actor.acted_by else None,
            action=PRIVATE_READ,
            object_type="Member",
            object_id=member_id,
            subject_id=member_id,
            data={"field": field},
        )
        for member_id in sorted(set(member_ids))
        if member_id != actor.member_id
    ]
    if rows:
        await AuditEvent.bulk_create(rows)
