"""The trial lists: the hub's trials, those a member qualifies for, applications."""

from datetime import UTC, datetime

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from app.actor import Actor
from app.errors import DomainError
from app.policy import Viewer, visible
from app.trials import eligibility
from app.trials.access import get_trial, is_business_person
from app.trials.errors import TrialErrorCode as E
from app.trials.models import Trial, TrialApplication, TrialStatus


async def trials(*, viewer: Viewer, status: TrialStatus | None = None) -> QuerySet[Trial]:
    """The hub's trials the viewer may see, closing soonest first."""
    query = await visible(viewer, "Trial", Trial.filter(hub_id=viewer.hub_id))
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("closes_at", "id")


def for_member(*, actor: Actor) -> QuerySet[Trial]:
    """Recruiting trials the member qualifies for (app/trials/eligibility.py, in SQL), closing
    soonest first; their business's own trials left out."""
    qualifies = RawSQL(
        f"(SELECT {eligibility.eligible('trial')} FROM member m"
        f" WHERE m.id = {int(actor.member_id)} AND m.hub_id = trial.hub_id)"
    )
    me = int(actor.member_id)
    own = RawSQL(
        "EXISTS (SELECT 1 FROM organisation_member om WHERE om.hub_id = trial.hub_id"
        f" AND om.organisation_id = trial.organisation_id AND om.member_id = {me})"
    )
    return (
        Trial.filter(
            hub_id=actor.hub_id, status=TrialStatus.RECRUITING, closes_at__gt=datetime.now(UTC)
        )
        .annotate(qualifies=qualifies, own=own)
        .filter(qualifies=True, own=False)
        .order_by("closes_at", "id")
    )


def my_applications(*, actor: Actor) -> QuerySet[TrialApplication]:
    return TrialApplication.filter(hub_id=actor.hub_id, member_id=actor.member_id).order_by("-id")


async def applications_to(*, actor: Actor, trial_id: int) -> QuerySet[TrialApplication]:
    """A trial's applications, first first (its business's people)."""
    trial = await get_trial(actor, trial_id)
    if not await is_business_person(actor, trial.organisation_id, managers=False):
        raise DomainError(E.FORBIDDEN, "Only the business reads its applications.", "trialId")
    return TrialApplication.filter(hub_id=actor.hub_id, trial_id=trial.id).order_by("id")
