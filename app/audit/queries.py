"""The audit log as hub admins read it: filtered, newest first."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.actor import Actor
from app.audit.models import AuditEvent
from app.errors import DomainError
from app.i18n import _
from app.people.models import Role

MAX_ACTION_LENGTH = 60


class AuditErrorCode(StrEnum):
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    # Who did it: the member themself or the coordinator acting for someone.
    actor_id: int | None = None
    # Whom it was about (AuditEvent.subject_id).
    subject_id: int | None = None
    # An exact action ("role.grant"), or a family when it ends with "." ("role.").
    action: str | None = None
    object_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def events(*, actor: Actor, where: AuditFilter) -> QuerySet[AuditEvent]:
    """The hub's audit events matching `where`, newest first (hub admins; the policy table
    says so too, this keeps the service safe on its own)."""
    actor.require_role(Role.HUB_ADMIN)
    if where.since and where.until and where.until <= where.since:
        raise DomainError(AuditErrorCode.INVALID, _("`until` must be after `since`."), "until")
    if where.action is not None and not 0 < len(where.action) <= MAX_ACTION_LENGTH:
        raise DomainError(
            AuditErrorCode.INVALID, _("Give an action, at most 60 characters."), "action"
        )
    query = AuditEvent.filter(hub_id=actor.hub_id)
    if where.actor_id is not None:
        query = query.filter(Q(actor_id=where.actor_id) | Q(acted_by_id=where.actor_id))
    if where.subject_id is not None:
        query = query.filter(subject_id=where.subject_id)
    if where.action:
        if where.action.endswith("."):
            query = query.filter(action__startswith=where.action)
        else:
            query = query.filter(action=where.action)
    if where.object_type:
        query = query.filter(object_type=where.object_type)
    if where.since:
        query = query.filter(created_at__gte=where.since)
    if where.until:
        query = query.filter(created_at__lt=where.until)
    return query.order_by("-created_at", "-id")
