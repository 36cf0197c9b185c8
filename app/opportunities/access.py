"""Loading an opportunity for a use case, and requiring its poster's side."""

from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Opportunity
from app.opportunities.policy import MANAGES
from app.policy import Viewer


async def get_opportunity(actor: Actor, opportunity_id: int, *, lock: bool = False) -> Opportunity:
    """The opportunity in the actor's hub (locked for update if asked), or NOT_FOUND."""
    query = Opportunity.filter(id=opportunity_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    opportunity = await query.first()
    if opportunity is None:
        raise DomainError(E.NOT_FOUND, _("No such opportunity."), "opportunityId")
    return opportunity


async def can_manage(actor: Actor, opportunity: Opportunity) -> bool:
    """The poster, or anyone (owner, admin, staff) of the posting organisation: the policy
    table's rule (app.opportunities.policy.MANAGES)."""
    return await MANAGES.allows(Viewer.of(actor), opportunity)


async def require_manager(actor: Actor, opportunity: Opportunity) -> None:
    if not await can_manage(actor, opportunity):
        raise DomainError(E.FORBIDDEN, _("Only the poster's side can do this."), None)
