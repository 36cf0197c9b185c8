"""Telling a campaign's backers: its tipping point, the owner's updates, its outcome (credit
backers and in-kind backers alike). Set-based inserts; notification_campaign_once makes a re-run
add nothing."""

from datetime import UTC, datetime

from tortoise import Tortoise

from app.campaigns.models import Campaign, CampaignStatus, CampaignUpdate
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


# The outcome, to the backers of settled pledges (id > $7, at most $8 of them per statement).
_TELL_OUTCOME = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT p.hub_id, p.member_id, $2, $3, format($4, p.amount + p.matched), 'now', 0,
       jsonb_build_object('campaign_id', p.campaign_id, 'once', $5::text), $6
FROM campaign_pledge p
WHERE p.campaign_id = $1 AND p.status IN ('captured', 'released') AND p.id > $7
    AND p.id <= (SELECT max(id) FROM (SELECT id FROM campaign_pledge WHERE campaign_id = $1
        AND id > $7 ORDER BY id LIMIT $8) c)
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
"""
OUTCOME_CHUNK = 5000

# The outcome, to the members behind in-kind pledges settled (hours and items ACCEPTED at
# success, LAPSED at failure or cancellation): one notification each, whatever they pledged
# in credits too (that one is told by _TELL_OUTCOME).
_TELL_IN_KIND_OUTCOME = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT k.hub_id, k.member_id, $2, $3, format($4, sum(k.value)), 'now', 0,
       jsonb_build_object('campaign_id', k.campaign_id, 'once', $5::text,
                          'opportunity_id', $7::bigint), $6
FROM campaign_in_kind k
WHERE k.campaign_id = $1 AND k.status IN ('accepted', 'lapsed')
GROUP BY k.hub_id, k.member_id, k.campaign_id
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
"""


def _outcome(campaign: Campaign) -> tuple[NotificationKind, str, str]:
    """(kind, title, reason with %s for the credits) of the backers' notification."""
    title = campaign.title[:120]
    if campaign.status == CampaignStatus.SUCCEEDED:
        return (
            NotificationKind.CAMPAIGN_SUCCEEDED,
            f"“{title}” succeeded",
            "Your pledge was taken: %s credits, with any match, went to it.",
        )
    what = "was cancelled" if campaign.status == CampaignStatus.CANCELLED else "did not succeed"
    return (
        NotificationKind.CAMPAIGN_FAILED,
        f"“{title}” {what}",
        "Your held credits are free again (%s with any match).",
    )


def _in_kind_reason(campaign: Campaign) -> str:
    """The in-kind backers' reason, with %s for the credits their pledges were valued at."""
    if campaign.status == CampaignStatus.SUCCEEDED:
        return (
            "Your pledge in kind (%s credits at the hub's rate) was accepted: pledged hours are"
            " now an accepted place on the project's volunteering opportunity."
        )
    return "Your pledge in kind (%s credits at the hub's rate) lapsed: nothing is expected."


async def _tell_in_kind_outcome(campaign: Campaign) -> int:
    """Every member behind an in-kind pledge of a settled project, once each."""
    kind, heading, _ = _outcome(campaign)
    count, _ = await Tortoise.get_connection("default").execute_query(
        _TELL_IN_KIND_OUTCOME,
        [
            campaign.id,
            kind.value,
            heading,
            _in_kind_reason(campaign),
            f"campaign:{campaign.id}:outcome:in-kind",
            datetime.now(UTC),
            campaign.opportunity_id,
        ],
    )
    return int(count)


async def _tell_outcome(campaign: Campaign) -> int:
    """Every backer of a settled campaign, in chunks of pledges (each statement exactly once
    per backer whatever reruns, by notification_campaign_once), then the in-kind backers."""
    kind, heading, reason = _outcome(campaign)
    conn = Tortoise.get_connection("default")
    told, after = await _tell_in_kind_outcome(campaign), 0
    while True:
        last = await conn.execute_query_dict(
            "SELECT max(id) AS last FROM (SELECT id FROM campaign_pledge WHERE campaign_id = $1"
            " AND id > $2 ORDER BY id LIMIT $3) c",
            [campaign.id, after, OUTCOME_CHUNK],
        )
        if last[0]["last"] is None:
            return told
        count, _ = await conn.execute_query(
            _TELL_OUTCOME,
            [
                campaign.id,
                kind.value,
                heading,
                reason,
                f"campaign:{campaign.id}:outcome",
                datetime.now(UTC),
                after,
                OUTCOME_CHUNK,
            ],
        )
        told += int(count)
        after = int(last[0]["last"])


@job(TELL_JOB)
async def tell_backers(*, campaign_id: int, what: str, update_id: int | None = None) -> int:
    """Notifies every backer of the campaign in the app; returns how many were told now."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        return 0
    if what == "outcome":
        return await _tell_outcome(campaign)
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
