"""A problem the community can pay to fix (a new bench, a mural over the graffiti): the body
responsible for the report starts a community project for it, a draft campaign through the
campaigns service that it opens when ready."""

from datetime import datetime

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.campaigns import service as campaigns
from app.campaigns.models import CampaignKind
from app.civic.errors import CivicErrorCode as E
from app.civic.problems.models import ProblemReport
from app.civic.problems.status import responsible_report
from app.errors import DomainError
from app.i18n import _


def _already() -> DomainError:
    return DomainError(E.ALREADY_DONE, _("This report has a community project already."), None)


async def to_project(
    *, actor: Actor, report_id: int, title: str, target: int, deadline: datetime
) -> ProblemReport:
    """A draft project campaign owned by the report's organisation (else the acting council
    member), its story the report's description, linked to the report once (ALREADY_DONE)."""
    report = await responsible_report(actor, report_id)
    if report.campaign_id is not None:
        raise _already()
    given = campaigns.CampaignInput(
        kind=CampaignKind.PROJECT,
        title=title,
        deadline=deadline,
        story=report.description,
        target=target,
        organisation_id=report.organisation_id,
    )
    async with in_transaction():
        locked = await ProblemReport.select_for_update().get(id=report.id)
        if locked.campaign_id is not None:
            raise _already()
        campaign = await campaigns.create_campaign(actor=actor, given=given)
        locked.campaign_id = campaign.id
        await locked.save(update_fields=["campaign_id"])
    return locked
