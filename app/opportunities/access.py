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


def manages(member_id: int, opportunity: Opportunity, organisation_ids: set[int]) -> bool:
    """The rule: the poster, or anyone (owner, admin, staff) of the posting organisation.

    `organisation_ids` are the organisations the member belongs to (batch-loaded by callers
    that check many opportunities at once).
    """
    if opportunity.poster_id == member_id:
        return True
    return opportunity.organisation_id is not None and (
        opportunity.organisation_id in organisation_ids
    )


async def can_manage(actor: Actor, opportunity: Opportunity) -> bool:
    organisation_ids: set[int] = set()
    if opportunity.organisation_id is not None and opportunity.poster_id != actor.member_id:
        rows = await OrganisationMember.filter(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            organisation_id=opportunity.organisation_id,
        ).only("organisation_id")
        organisation_ids = {r.organisation_id for r in rows}
    return manages(actor.member_id, opportunity, organisation_ids)


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
