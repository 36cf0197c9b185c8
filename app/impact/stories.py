"""Success stories: an organisation's people tell of a completed opportunity, share or campaign
of the organisation's own; a moderator approves (or rejects) it before it shows on the
organisation's profile. A story about someone else's work is refused (NOT_YOUR_WORK)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets.impact_models import ImpactRecord
from app.audit import service as audit
from app.badges.errors import BadgeErrorCode as E
from app.badges.models import StoryStatus, SuccessStory
from app.campaigns.models import Campaign, CampaignStatus
from app.errors import DomainError
from app.i18n import _
from app.opportunities.models import Opportunity
from app.organisations.models import OrganisationMember
from app.people.models import Role
from app.portfolios.models import HoursRecord, HoursStatus


@dataclass(frozen=True)
class StoryInput:
    organisation_id: int
    title: str
    body: str
    opportunity_id: int | None = None
    impact_record_id: int | None = None
    campaign_id: int | None = None


async def _subject_checked(hub_id: int, given: StoryInput) -> None:
    """The story tells of one completed piece of the organisation's own work."""
    org = given.organisation_id
    chosen = [x for x in (given.opportunity_id, given.impact_record_id, given.campaign_id) if x]
    if len(chosen) != 1:
        raise DomainError(E.INVALID, _("Link one opportunity, share or campaign."), "opportunityId")
    if given.opportunity_id is not None:
        opportunity = await Opportunity.get_or_none(id=given.opportunity_id, hub_id=hub_id)
        if opportunity is None:
            raise DomainError(E.NOT_FOUND, _("No such opportunity."), "opportunityId")
        if opportunity.organisation_id != org:
            raise DomainError(
                E.NOT_YOUR_WORK, _("Not this organisation's opportunity."), "opportunityId"
            )
        if not await HoursRecord.exists(
            hub_id=hub_id, opportunity_id=opportunity.id, status=HoursStatus.VERIFIED
        ):
            raise DomainError(
                E.NOT_COMPLETED, _("Nothing was delivered on it yet."), "opportunityId"
            )
    elif given.impact_record_id is not None:
        share = await ImpactRecord.get_or_none(id=given.impact_record_id, hub_id=hub_id)
        if share is None:
            raise DomainError(E.NOT_FOUND, _("No such completed share."), "impactRecordId")
        if org not in (share.owner_organisation_id, share.receiver_organisation_id):
            raise DomainError(
                E.NOT_YOUR_WORK, _("The organisation took no part in it."), "impactRecordId"
            )
    else:
        campaign = await Campaign.get_or_none(id=given.campaign_id, hub_id=hub_id)
        if campaign is None:
            raise DomainError(E.NOT_FOUND, _("No such campaign."), "campaignId")
        if org not in (campaign.owner_organisation_id, campaign.supplier_id):
            raise DomainError(E.NOT_YOUR_WORK, _("Not this organisation's campaign."), "campaignId")
        if campaign.status != CampaignStatus.SUCCEEDED:
            raise DomainError(E.NOT_COMPLETED, _("The campaign has not succeeded."), "campaignId")


async def submit_story(*, actor: Actor, given: StoryInput) -> SuccessStory:
    """One of the organisation's people writes a story; it waits for a moderator."""
    title = v.text(given.title, field="title", max_length=160, invalid=E.INVALID)
    body = v.text(given.body, field="body", max_length=5000, invalid=E.INVALID, multiline=True)
    if not await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=given.organisation_id, member_id=actor.member_id
    ):
        raise DomainError(E.FORBIDDEN, _("Only the organisation's people tell its stories."), None)
    await _subject_checked(actor.hub_id, given)
    async with in_transaction():
        story = await SuccessStory.create(
            hub_id=actor.hub_id,
            organisation_id=given.organisation_id,
            author_id=actor.member_id,
            title=title,
            body=body,
            opportunity_id=given.opportunity_id,
            impact_record_id=given.impact_record_id,
            campaign_id=given.campaign_id,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="story.submit",
            object_type="SuccessStory",
            object_id=story.id,
        )
    return story


async def moderate_story(*, actor: Actor, story_id: int, approve: bool) -> SuccessStory:
    """A moderator approves a story (it shows on the profile) or rejects it, once."""
    if not actor.has_role(Role.MODERATOR, Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only moderators approve stories."), None)
    async with in_transaction():
        story = await SuccessStory.select_for_update().get_or_none(id=story_id, hub_id=actor.hub_id)
        if story is None:
            raise DomainError(E.NOT_FOUND, _("No such story."), "storyId")
        if story.status != StoryStatus.PENDING:
            raise DomainError(E.ALREADY_MODERATED, _("This story was moderated already."), None)
        story.status = StoryStatus.APPROVED if approve else StoryStatus.REJECTED
        story.moderated_by_id = actor.member_id
        story.moderated_at = datetime.now(UTC)
        await story.save(update_fields=["status", "moderated_by_id", "moderated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="story.moderate",
            object_type="SuccessStory",
            object_id=story.id,
            data={"status": story.status.value},
        )
    return story


_CAUSES = {
    "GiveawayRequest": "giveaway_request_id",
    "Loan": "loan_id",
    "Booking": "booking_id",
    "OffSiteShare": "off_site_share_id",
}


async def share_record_id(*, hub_id: int, kind: str, cause_id: int) -> int:
    """The impact record of a completed share, named by its giveaway request, loan, booking or
    off-site share. NOT_COMPLETED: that share has not completed (no impact recorded)."""
    column = _CAUSES.get(kind)
    if column is None:
        raise DomainError(
            E.INVALID, _("Give a giveaway request, loan, booking or off-site share."), "shareId"
        )
    found = await ImpactRecord.filter(hub_id=hub_id, **{column: cause_id}).first()
    if found is None:
        raise DomainError(E.NOT_COMPLETED, _("That share has not completed."), "shareId")
    return found.id
