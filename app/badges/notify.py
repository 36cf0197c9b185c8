"""Telling holders of their new badges: in the app (a notification, published live) and by email
where the member wants it (notification_prefs "email", on by default). An organisation's award
is told to its owners and admins.

The job takes the awards not told yet (badge_award_untold) in chunks, each in one transaction
that stores the notifications (at most one per member and award: notification_campaign_once on
`data.once`), queues the emails (keyed by notification) and marks the awards told. A killed run
leaves the rest untold for the next; a duplicate run finds nothing left.

The same transaction tells the holders of the levels those awards lift them to
(app/badges/levels_reached.py): once per holder and level.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import jobs
from app.assets import notices
from app.badges.awards import NOTIFY_JOB
from app.badges.levels_reached import tell_levels
from app.badges.models import Award
from app.i18n import _, localize, resolve, stored, use_locale
from app.jobs.registry import job
from app.mail.service import hub_locale
from app.matching.models import NotificationKind

log = logging.getLogger(__name__)
CHUNK = 1000
CHUNKS_PER_JOB = 20
TITLE = _("You earned the badge “{badge}”")
ORG_TITLE = _("{organisation} earned the badge “{badge}”")
EMAIL_TEXT = _("{reason}\nOpen the app to see it, or download it for other platforms.")
LEVEL_EMAIL_TEXT = _("{reason}\nOpen the app to see your badges and level.")
# The badge's name with the hub admins' translations, for texts kept as data (app/i18n/stored.py).
_BADGE = "jsonb_build_object('name', b.name, 'in', coalesce(b.name_translations, '{}'::jsonb))"

# Awards not told yet, locked (a concurrent run skips them), oldest first.
_TAKE = """
SELECT a.id FROM badge_award a
 WHERE a.hub_id = $1 AND a.notified_at IS NULL
 ORDER BY a.id LIMIT $2 FOR UPDATE SKIP LOCKED
"""
# One notification per member told of each award: the holder, or an organisation's managers.
_STORE = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT a.hub_id, t.member_id, $2,
       left(CASE WHEN a.member_id IS NOT NULL THEN format($3, b.name)
                 ELSE format($4, o.name, b.name) END, 200),
       left(b.description, 300), 'now', 0,
       jsonb_build_object('award_id', a.id, 'once', 'badge-award:' || a.id, 'texts',
         jsonb_build_object('title', CASE WHEN a.member_id IS NOT NULL
           THEN jsonb_build_object('msgid', $6::text, 'params', jsonb_build_object('badge', @B@))
           ELSE jsonb_build_object('msgid', $7::text, 'params',
                  jsonb_build_object('organisation', o.name, 'badge', @B@)) END)), $5
FROM badge_award a
JOIN badge_class b ON b.id = a.badge_class_id AND b.hub_id = a.hub_id
LEFT JOIN organisation o ON o.id = a.organisation_id AND o.hub_id = a.hub_id
JOIN LATERAL (
    SELECT a.member_id AS member_id WHERE a.member_id IS NOT NULL
    UNION
    SELECT om.member_id FROM organisation_member om
     WHERE a.organisation_id IS NOT NULL AND om.organisation_id = a.organisation_id
       AND om.hub_id = a.hub_id AND om.role IN ('owner', 'admin')
) t ON true
WHERE a.id = ANY($1::bigint[]) AND a.revoked_at IS NULL
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
RETURNING id, member_id, title, reason, data
""".replace("@B@", _BADGE)


async def _emails(
    told: list[dict[str, Any]], *, hub_id: int, text: str = EMAIL_TEXT
) -> list[tuple[int, str, str, str]]:
    """(notification id, address, subject, text) for the members who want emails, each in
    the member's language."""
    if not told:
        return []
    ids = list({int(r["member_id"]) for r in told})
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT id, email, notification_prefs, locale FROM member WHERE id = ANY($1::bigint[])",
        [ids],
    )
    wants = {
        int(r["id"]): r
        for r in rows
        if r["email"] and _prefs(r["notification_prefs"]).get("email", True)
    }
    hub = await hub_locale(hub_id)
    emails = []
    for r in told:
        member = wants.get(int(r["member_id"]))
        if member is None:
            continue
        texts = (_prefs(r.get("data")) or {}).get("texts") or {}
        with use_locale(resolve(member=member["locale"], hub=hub)):
            title = stored.render(texts["title"]) if "title" in texts else r["title"]
            reason = stored.render(texts["reason"]) if "reason" in texts else r["reason"]
            emails.append(
                (int(r["id"]), member["email"], title, localize(text.format(reason=reason)))
            )
    return emails


def _prefs(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        import orjson

        value = orjson.loads(value)
    return value if isinstance(value, dict) else {}


async def tell_chunk(hub_id: int, *, chunk: int = CHUNK) -> int:
    """Tells the holders of up to `chunk` untold awards; returns how many awards were taken."""
    async with in_transaction():
        conn = Tortoise.get_connection("default")  # the transaction's: the locks hold till commit
        rows = await conn.execute_query_dict(_TAKE, [hub_id, chunk])
        ids = [int(r["id"]) for r in rows]
        if not ids:
            return 0
        now = datetime.now(UTC)
        told = await conn.execute_query_dict(
            _STORE,
            [
                ids,
                NotificationKind.BADGE_AWARDED.value,
                TITLE.replace("{badge}", "%s"),
                ORG_TITLE.replace("{organisation}", "%s").replace("{badge}", "%s"),
                now,
                TITLE.msgid,
                ORG_TITLE.msgid,
            ],
        )
        levels = await tell_levels(conn, hub_id=hub_id, award_ids=ids, now=now)
        await notices.email(
            await _emails(told, hub_id=hub_id)
            + await _emails(levels, hub_id=hub_id, text=LEVEL_EMAIL_TEXT)
        )
        await conn.execute_query(
            "UPDATE badge_award SET notified_at = $2 WHERE id = ANY($1::bigint[])", [ids, now]
        )
    await notices.announce([(int(r["member_id"]), int(r["id"])) for r in told + levels])
    return len(ids)


@job(NOTIFY_JOB)
async def tell_holders(*, hub_id: int, chunks: int = CHUNKS_PER_JOB) -> int:
    """The hub's untold awards, chunk by chunk; after `chunks` chunks it hands the rest to a
    new job (keyed by where it stopped), so one job stays well within its timeout. Returns
    awards told."""
    total = 0
    for _chunk in range(chunks):
        taken = await tell_chunk(hub_id)
        total += taken
        if taken < CHUNK:
            return total
    last = await Award.filter(hub_id=hub_id, notified_at__isnull=False).order_by("-id").first()
    await jobs.enqueue(
        NOTIFY_JOB, {"hub_id": hub_id}, key=f"{NOTIFY_JOB}:{hub_id}:after:{last.id if last else 0}"
    )
    return total
