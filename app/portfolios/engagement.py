"""An engagement is an accepted application: who volunteers, and who receives the help.

For a REQUEST (the poster needs help) the applicant volunteers; for an OFFER (the poster offers
help) the poster volunteers. The receiving side is the other person, or any owner, admin or
staff of the organisation that posted it.
"""

from dataclasses import dataclass

from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.opportunities.models import Application, Opportunity, OpportunityKind
from app.organisations.models import OrganisationMember
from app.portfolios.errors import PortfolioErrorCode as E


@dataclass(frozen=True)
class Engagement:
    application: Application
    opportunity: Opportunity

    @property
    def volunteer_id(self) -> int:
        if self.opportunity.kind == OpportunityKind.REQUEST:
            return self.application.applicant_id
        return self.opportunity.poster_id

    @property
    def beneficiary_id(self) -> int:
        if self.opportunity.kind == OpportunityKind.REQUEST:
            return self.opportunity.poster_id
        return self.application.applicant_id

    async def on_receiving_side(self, actor: Actor) -> bool:
        """The member helped, or staff of the organisation that asked for the help."""
        if actor.member_id == self.beneficiary_id:
            return True
        if self.opportunity.kind != OpportunityKind.REQUEST:
            return False
        organisation_id = self.opportunity.organisation_id
        return organisation_id is not None and await OrganisationMember.exists(
            hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
        )

    async def is_party(self, actor: Actor) -> bool:
        return actor.member_id == self.volunteer_id or await self.on_receiving_side(actor)


async def load(actor: Actor, application_id: int, *, lock: bool = False) -> Engagement:
    query = Application.filter(id=application_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    application = await query.first()
    if application is None:
        raise DomainError(E.NOT_FOUND, _("No such application."), "applicationId")
    opportunity = await Opportunity.get(id=application.opportunity_id, hub_id=actor.hub_id)
    return Engagement(application, opportunity)
