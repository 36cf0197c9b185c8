"""Loading a campaign for a use case, and requiring the side that may act on it."""

from app.actor import Actor
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import Campaign
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.organisations.policy import MANAGERS
from app.policy import Viewer


async def get_campaign(actor: Actor, campaign_id: int, *, lock: bool = False) -> Campaign:
    """The campaign in the actor's hub (row-locked if asked), or NOT_FOUND."""
    query = Campaign.filter(id=campaign_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    campaign = await query.first()
    if campaign is None:
        raise DomainError(E.NOT_FOUND, _("No such campaign."), "campaignId")
    return campaign


async def require_owner_side(actor: Actor, campaign: Campaign) -> None:
    """Its owner member, or an owner or admin of its organisation (the policy's OWNER_SIDE)."""
    from app.campaigns.policy import OWNER_SIDE

    if not await OWNER_SIDE.allows(Viewer.of(actor), campaign):
        raise DomainError(E.FORBIDDEN, _("Only the campaign's owner side can do this."), None)


async def require_org_role(
    actor: Actor, organisation_id: int, field: str, *, managers: bool = True
) -> None:
    """The actor belongs to the organisation (as an owner or admin when `managers`)."""
    query = OrganisationMember.filter(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    )
    if managers:
        query = query.filter(role__in=list(MANAGERS))
    if not await query.exists():
        raise DomainError(E.FORBIDDEN, _("You cannot act for this organisation."), field)
