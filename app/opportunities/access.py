"""Who may manage an opportunity, and who counts as a participant."""

from app.actor import Actor
from app.errors import DomainError
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.organisations.models import OrganisationMember


async def get_opportunity(actor: Actor, opportunity_id: int, *, lock: bool = False) -> Opportunity:
    """The opportunity in the actor's hub (locked for update if asked), or NOT_FOUND."""
    query = Opportunity.filter(id=opportunity_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    opportunity = await query.first()
    if opportunity is None:
        raise DomainError(E.NOT_FOUND, "No such opportunity.", "opportunityId")
    return opportunity


async def can_manage(actor: Actor, opportunity: Opportunity) -> bool:
    """The poster, or any owner, admin or staff of the posting organisation."""
    if opportunity.poster_id == actor.member_id:
        return True
    if opportunity.organisation_id is None:
        return False
    return await OrganisationMember.exists(
        hub_id=actor.hub_id,
        organisation_id=opportunity.organisation_id,
        member_id=actor.member_id,
    )


async def require_manager(actor: Actor, opportunity: Opportunity) -> None:
    if not await can_manage(actor, opportunity):
        raise DomainError(E.FORBIDDEN, "Only the poster's side can do this.", None)


async def is_participant(actor: Actor, opportunity: Opportunity) -> bool:
    """Managers and accepted applicants: they may see the exact place and contact details."""
    if await can_manage(actor, opportunity):
        return True
    return await Application.exists(
        hub_id=actor.hub_id,
        opportunity_id=opportunity.id,
        applicant_id=actor.member_id,
        status=ApplicationStatus.ACCEPTED,
    )
