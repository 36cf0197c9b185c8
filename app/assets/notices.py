"""What members are told about giveaways, off-site shares and WANTED matches, through the
notification centre (app/matching/models.Notification: in the app, live, and by email where
the member wants it).

Every text a member reads from these flows is in TEXTS, marked for the catalogues (`_()`):
notifications keep them as data and render them in the reader's language.
Notifications are stored in the caller's transaction; `announce` publishes them live after
it commits (best effort: the app shows them on its next load anyway).
"""

import logging
import re
from datetime import datetime

import orjson
from tortoise import Tortoise

from app.i18n import _
from app.i18n.stored import pack
from app.jobs import enqueue_many
from app.matching import live
from app.matching.models import NotificationKind as K

log = logging.getLogger(__name__)

# kind -> (title, reason), str.format templates, marked: kept as data (`data.texts`) and
# rendered in each reader's language.
TEXTS: dict[K, tuple[str, str]] = {
    K.WANTED_MATCH: (
        "{asset}",
        _("“{asset}”, {km} km away, matches your wanted notice “{notice}”"),
    ),
    K.GIVEAWAY_REQUESTED: (
        _("{requester} asked for “{asset}”"),
        _("you are giving it away: choose among its requests"),
    ),
    K.GIVEAWAY_CHOSEN: (
        _("You can have “{asset}”"),
        _("its owner chose your request: the place and contact are shown to you"),
    ),
    K.GIVEAWAY_DECLINED: (_("About “{asset}”"), "{why}"),
    K.OFF_SITE_SHARE: (
        _("Confirm: “{asset}”"),
        _("{owner} recorded {what} you on {day}: confirm it so it counts"),
    ),
}
# The {why} of GIVEAWAY_DECLINED.
DECLINED_BY_OWNER = _("its owner chose other requests this time")
FOUND_A_HOME = _("it has found a new home with someone else")
# The {what} of OFF_SITE_SHARE, by the share's kind.
SHARE_WHAT = {"giveaway": _("giving it to"), "loan": _("lending it to")}
WANTED_EMAIL_SUBJECT = _("Found for your wanted notice: {asset}")
WANTED_EMAIL_TEXT = _("{reason}.\nOpen the app to see it and ask for it.")

_STORE = (
    "INSERT INTO notification (hub_id, member_id, kind, asset_id, wanted_notice_id, title,"
    " reason, delivery, score, data, created_at)"
    " SELECT $1, t.m, $2, $3, $4, left($5, 200), left($6, 300), 'now', 0, $9::jsonb, $7"
    " FROM unnest($8::bigint[]) AS t(m)"
    " ON CONFLICT DO NOTHING RETURNING id, member_id"
)


def texts(kind: K, **values: object) -> tuple[str, str]:
    """The notification's title and reason, filled in (Msgs where marked)."""
    return _fill(TEXTS[kind][0], values), _fill(TEXTS[kind][1], values)


def _fill(template: str, values: dict[str, object]) -> str:
    if re.fullmatch(r"\{\w+\}", template):  # only a value: the value itself (a Msg stays one)
        value = values[template[1:-1]]
        return value if isinstance(value, str) else str(value)
    return template.format(**values)


async def tell(
    *,
    hub_id: int,
    member_ids: list[int],
    kind: K,
    asset_id: int,
    now: datetime,
    wanted_notice_id: int | None = None,
    **values: object,
) -> list[tuple[int, int]]:
    """Stores one notification per member in the current transaction (a WANTED match at most
    once per notice and asset); returns (member id, notification id) of those stored."""
    if not member_ids:
        return []
    title, reason = texts(kind, **values)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _STORE,
        [
            hub_id,
            kind.value,
            asset_id,
            wanted_notice_id,
            title,
            reason,
            now,
            member_ids,
            orjson.dumps({"texts": {"title": pack(title), "reason": pack(reason)}}).decode(),
        ],
    )
    return [(int(r["member_id"]), int(r["id"])) for r in rows]


async def email(messages: list[tuple[int, str, str, str]]) -> None:
    """Queues (notification id, address, subject, text) emails in the current transaction,
    keyed by their notification: a retry never queues one twice."""
    if not messages:
        return
    await enqueue_many(
        "send_email",
        [{"to": to, "subject": subject, "text": text} for _, to, subject, text in messages],
        [f"notify:{notification_id}" for notification_id, _, _, _ in messages],
    )


async def announce(told: list[tuple[int, int]]) -> None:
    """Publishes stored notifications live (after commit; a lost publish is harmless)."""
    try:
        await live.publish_many(told)
    except Exception:
        log.warning("live notification not published", exc_info=True)
