"""The moderators' queue and the lists around it."""

from tortoise.queryset import QuerySet

from app.actor import Actor
from app.moderation.access import require_hub_admin, require_moderator
from app.moderation.models import AppealStatus, CaseStatus, ModerationAction, ModerationCase


def open_cases(*, actor: Actor) -> QuerySet[ModerationCase]:
    """Open cases (one per reported object), most severe first, then oldest first."""
    require_moderator(actor)
    return ModerationCase.filter(hub_id=actor.hub_id, status=CaseStatus.OPEN).order_by(
        "-severity", "created_at", "id"
    )


def appeals_waiting(*, actor: Actor) -> QuerySet[ModerationAction]:
    """Appealed actions waiting for a hub admin, oldest appeal first."""
    require_hub_admin(actor)
    return ModerationAction.filter(
        hub_id=actor.hub_id, appeal_status=AppealStatus.PENDING
    ).order_by("appealed_at", "id")


def actions_on_me(*, actor: Actor) -> QuerySet[ModerationAction]:
    """Moderators' actions on the member (to read why, and appeal), newest first."""
    return ModerationAction.filter(hub_id=actor.hub_id, member_id=actor.member_id).order_by(
        "-created_at", "-id"
    )
