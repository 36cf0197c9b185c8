"""Loading a trial for a use case, and requiring the business's people to act on it."""

from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.organisations.policy import MANAGERS
from app.trials.errors import TrialErrorCode as E
from app.trials.models import Trial


async def get_trial(actor: Actor, trial_id: int, *, lock: bool = False) -> Trial:
    """The trial in the actor's hub (row-locked if asked), or NOT_FOUND."""
    query = Trial.filter(id=trial_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    trial = await query.first()
    if trial is None:
        raise DomainError(E.NOT_FOUND, _("No such trial."), "trialId")
    return trial


async def is_business_person(actor: Actor, organisation_id: int, *, managers: bool) -> bool:
    query = OrganisationMember.filter(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    )
    if managers:
        query = query.filter(role__in=list(MANAGERS))
    return await query.exists()


async def require_business(actor: Actor, trial: Trial) -> None:
    """An owner or admin of the trial's business (the policy's BUSINESS_MANAGERS)."""
    if not await is_business_person(actor, trial.organisation_id, managers=True):
        raise DomainError(
            E.FORBIDDEN, _("Only the business's owners and admins can do this."), None
        )
