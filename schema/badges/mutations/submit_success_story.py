"""submitSuccessStory: an organisation's people tell of its own completed work."""

import strawberry

from app import ids
from app.badges.errors import BadgeErrorCode as E
from app.errors import DomainError
from app.i18n import _
from app.impact import stories
from schema.badges.mutations.payloads import SuccessStoryPayload, db_id, required_id
from schema.badges.types import BadgeError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class SubmitSuccessStoryInput:
    organisation_id: strawberry.ID
    title: str
    body: str
    opportunity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Link exactly one: an opportunity, a share or a campaign."
    )
    share_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A completed share: the ID of its GiveawayRequest, Loan, Booking or"
        " OffSiteShare.",
    )
    campaign_id: strawberry.ID | None = None


@errors_as_data(BadgeError, E, SuccessStoryPayload)
async def submit_success_story(input: SubmitSuccessStoryInput, info: Info) -> SuccessStoryPayload:
    """Writes a story that waits for a moderator. NOT_YOUR_WORK: it tells of someone else's
    work; NOT_COMPLETED: nothing delivered yet; nothing is written then."""
    actor = info.context.require_actor()
    share = None
    if input.share_id is not None:
        try:
            kind, node_id = ids.parse(str(input.share_id))
            cause = ids.db_id(node_id)
        except ValueError as exc:
            raise DomainError(E.INVALID, _("Not a valid ID."), "shareId") from exc
        share = await stories.share_record_id(hub_id=actor.hub_id, kind=kind, cause_id=cause)
    story = await stories.submit_story(
        actor=actor,
        given=stories.StoryInput(
            organisation_id=required_id(input.organisation_id, "Organisation", "organisationId"),
            title=input.title,
            body=input.body,
            opportunity_id=db_id(input.opportunity_id, "Opportunity", "opportunityId"),
            impact_record_id=share,
            campaign_id=db_id(input.campaign_id, "Campaign", "campaignId"),
        ),
    )
    return SuccessStoryPayload(story=story)  # type: ignore[arg-type]
