"""Telling a campaign's backers: its tipping point, the owner's updates, its outcome (credit
backers and in-kind backers alike). Set-based inserts; notification_campaign_once makes a re-run
add nothing."""

from datetime import UTC, datetime

import orjson
from tortoise import Tortoise

from app.campaigns.models import Campaign, CampaignStatus, CampaignUpdate
from app.campaigns.service import TELL_JOB
from app.i18n import Msg, _
from app.i18n.stored import pack
from app.jobs.registry import job
from app.matching.models import NotificationKind

# Every member behind a live pledge or an in-kind pledge, once each.
_TELL_BACKERS = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT $1, b.member_id, $3, $4, $5, 'now', 0,
       jsonb_build_object('campaign_id', $2::bigint, 'once', $6::text, 'texts', $8::jsonb), $7
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
       jsonb_build_object('campaign_id', p.campaign_id, 'once', $5::text, 'texts',
         jsonb_build_object('title', $9::jsonb, 'reason', jsonb_build_object('msgid', $10::text,
           'params', jsonb_build_object('credits', p.amount + p.matched)))), $6
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
                          'opportunity_id', $7::bigint, 'texts',
         jsonb_build_object('title', $8::jsonb, 'reason', jsonb_build_object('msgid', $9::text,
           'params', jsonb_build_object('credits', sum(k.value))))), $6
FROM campaign_in_kind k
WHERE k.campaign_id = $1 AND k.status IN ('accepted', 'lapsed')
GROUP BY k.hub_id, k.member_id, k.campaign_id
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
"""


def _outcome(campaign: Campaign) -> tuple[NotificationKind, Msg, Msg]:
    """(kind, title, reason with {credits}) of the backers' notification, marked."""
    title = campaign.title[:120]
    if campaign.status == CampaignStatus.SUCCEEDED:
        return (
            NotificationKind.CAMPAIGN_SUCCEEDED,
            _("“{title}” succeeded", title=title),
            _("Your pledge was taken: {credits} credits, with any match, went to it."),
        )
    if campaign.status == CampaignStatus.CANCELLED:
        heading = _("“{title}” was cancelled", title=title)
    else:
        heading = _("“{title}” did not succeed", title=title)
    return (
        NotificationKind.CAMPAIGN_FAILED,
        heading,
        _("Your held credits are free again ({credits} with any match)."),
    )


def _in_kind_reason(campaign: Campaign) -> Msg:
    """The in-kind backers' reason, with {credits} for what their pledges were valued at."""
    if campaign.status == CampaignStatus.SUCCEEDED:
        return _(
            "Your pledge in kind ({credits} credits at the hub's rate) was accepted: pledged"
            " hours are now an accepted place on the project's volunteering opportunity."
        )
    return _(
        "Your pledge in kind ({credits} credits at the hub's rate) lapsed: nothing is expected."
    )


def _sql_format(text: Msg) -> str:
    """The English text as a PostgreSQL format() string (the `reason` column)."""
    return str(text).replace("{credits}", "%s")


def _json(text: str) -> str:
    return orjson.dumps(pack(text)).decode()


async def _tell_in_kind_outcome(campaign: Campaign) -> int:
    """Every member behind an in-kind pledge of a settled project, once each."""
    kind, heading, _reason = _outcome(campaign)
    reason = _in_kind_reason(campaign)
    count, _rows = await Tortoise.get_connection("default").execute_query(
        _TELL_IN_KIND_OUTCOME,
        [
            campaign.id,
            kind.value,
            heading,
            _sql_format(reason),
            f"campaign:{campaign.id}:outcome:in-kind",
            datetime.now(UTC),
            campaign.opportunity_id,
            _json(heading),
            reason.msgid,
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
        count, _rows = await conn.execute_query(
            _TELL_OUTCOME,
            [
                campaign.id,
                kind.value,
                heading,
                _sql_format(reason),
                f"campaign:{campaign.id}:outcome",
                datetime.now(UTC),
                after,
                OUTCOME_CHUNK,
                _json(heading),
                reason.msgid,
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
    heading: str
    reason: str
    if what == "tipped":
        kind = NotificationKind.CAMPAIGN_TIPPED
        heading = _("“{title}” is on: it reached its tipping point", title=title)
        reason = _("Enough people joined the group buy: it goes ahead at the deadline.")
        once = f"campaign:{campaign.id}:tipped"
    else:
        update = await CampaignUpdate.get_or_none(id=update_id, campaign_id=campaign.id)
        if update is None:
            return 0
        kind = NotificationKind.CAMPAIGN_UPDATE
        heading = f"“{title}”: {update.title}"[:200]
        reason = update.body[:300]
        once = f"campaign-update:{update.id}"
    texts = orjson.dumps({"title": pack(heading), "reason": pack(reason)}).decode()
    count, _rows = await Tortoise.get_connection("default").execute_query(
        _TELL_BACKERS,
        [
            campaign.hub_id,
            campaign.id,
            kind.value,
            str(heading),
            str(reason),
            once,
            datetime.now(UTC),
            texts,
        ],
    )
    return int(count)
