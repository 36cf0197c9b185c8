"""The audit log (hub admins)."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.audit import queries as audit
from app.audit.queries import AuditErrorCode as E
from app.audit.queries import AuditFilter
from schema.audit.types import AuditEvent
from schema.context import Info
from schema.relay import Page, decode_id


@strawberry.input(description="Every filter given must match (all optional).")
class AuditEventFilter:
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Done by this member, or by them acting for someone."
    )
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="About this member (their roles, checks, data, account)."
    )
    action: str | None = strawberry.field(
        default=None, description='An action ("role.grant"), or a family ending in "." ("role.").'
    )
    object_type: str | None = strawberry.field(default=None, description='e.g. "Member".')
    since: datetime | None = strawberry.field(default=None, description="From (inclusive).")
    until: datetime | None = strawberry.field(default=None, description="Before (exclusive).")


def _member(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else decode_id(value, "Member", field=field, invalid=E.INVALID)


@strawberry.type
class AuditQueries:
    @relay.connection(  # type: ignore[misc]
        Page[AuditEvent], description="The hub's audit log, newest first (hub admins)."
    )
    async def audit_events(
        self, info: Info, filter: AuditEventFilter | None = None
    ) -> Iterable[AuditEvent]:
        given = filter or AuditEventFilter()
        where = AuditFilter(
            actor_id=_member(given.actor_id, "filter.actorId"),
            subject_id=_member(given.subject_id, "filter.subjectId"),
            action=given.action,
            object_type=given.object_type,
            since=given.since,
            until=given.until,
        )
        return audit.events(actor=info.context.require_actor(), where=where)  # type: ignore[return-value]
