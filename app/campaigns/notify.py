"""Telling a campaign's backers: its tipping point, the owner's updates. One set-based insert
per job; notification_campaign_once makes a re-run add nothing."""

from datetime import UTC, datetime

from tortoise import Tortoise

from app.campaigns.models import Campaign, CampaignUpdate
from app.campaigns.service import TELL_JOB
from app.jobs.registry import job
from app.matching.models import NotificationKind

# Every member behind a live pledge or an in-kind pledge, once each.
_TELL_BACKERS = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT $1, b.member_id, $3, $4, $5, 'now', 0,
       jsonb_build_object('campaign_id', $2::bigint, 'once', $6::text), $7
FROM (
    SELECT member_id FROM campaign_pledge WHERE campaign_id = $2 AND status = 'active'
    UNION
    SELECT member_id FROM campaign_in_kind WHERE campaign_id = $2 AND status = 'active'
) b
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
"""


@job(TELL_JOB)
async def tell_backers(*, campaign_id: int, what: str, update_id: int | None = None) -> int:
    """Notifies every backer of the campaign in the app; returns how many were told now."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        return 0
    title = campaign.title[:120]
    if what == "tipped":
        kind = NotificationKind.CAMPAIGN_TIPPED
        heading = f"“{title}” is on: it reached its tipping point"
        reason = "Enough people joined the group buy: it goes ahead at the deadline."
        once = f"campaign:{campaign.id}:tipped"
    else:
        update = await CampaignUpdate.get_or_none(id=update_id, campaign_id=campaign.id)
        if update is None:
            return 0
        kind = NotificationKind.CAMPAIGN_UPDATE
        heading = f"“{title}”: {update.title}"[:200]
        reason = update.body[:300]
        once = f"campaign-update:{update.id}"
    count, _ = await Tortoise.get_connection("default").execute_query(
        _TELL_BACKERS,
        [campaign.hub_id, campaign.id, kind.value, heading, reason, once, datetime.now(UTC)],
    )
    return int(count)
