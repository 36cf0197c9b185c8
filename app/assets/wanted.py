"""WANTED notices: 'Wanted: a desk for our community centre'. A listing that fits an open one
(same category, within its reach, and the listing's audience allows the notice's author) is
announced to its author through the notification centre, once per notice and listing
(`notify_wanted`, a subscriber of `asset.listed`)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import orjson
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets import notices, validation
from app.assets.access import get_wanted, require_wanted_manager
from app.assets.errors import AssetErrorCode as E
from app.assets.models import (
    Asset,
    AssetCategory,
    AssetKind,
    AssetStatus,
    Audience,
    WantedNotice,
    WantedStatus,
)
from app.audit import service as audit
from app.errors import DomainError, DomainErrors, ErrorBag
from app.events import subscribe
from app.i18n import _, localize, resolve, use_locale
from app.mail import service as mail
from app.matching.models import NotificationKind
from app.opportunities import geo
from app.organisations.models import OrganisationMember

DEFAULT_LIFETIME = timedelta(days=60)
MAX_LIFETIME = timedelta(days=365)


async def create_notice(
    *,
    actor: Actor,
    title: str,
    category_id: int,
    location: tuple[float, float],
    description: str = "",
    kind: AssetKind | None = None,
    area_name: str = "",
    within_km: int = 5,
    organisation_id: int | None = None,
    expires_at: datetime | None = None,
) -> WantedNotice:
    """Posts a WANTED notice (as yourself, or for an organisation you belong to)."""
    now = datetime.now(UTC)
    row = _clean(
        title=title,
        description=description,
        area_name=area_name,
        location=location,
        within_km=within_km,
        expires_at=expires_at,
        now=now,
    )
    async with in_transaction():
        if not await AssetCategory.exists(id=category_id, hub_id=actor.hub_id):
            raise DomainError(
                E.INVALID, _("No such asset category in this hub."), "assetCategoryId"
            )
        if organisation_id is not None and not await OrganisationMember.exists(
            hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
        ):
            raise DomainError(
                E.FORBIDDEN, _("You do not belong to this organisation."), "organisationId"
            )
        notice = await WantedNotice.create(
            hub_id=actor.hub_id,
            author_id=actor.member_id,
            organisation_id=organisation_id,
            category_id=category_id,
            kind=kind,
            **row,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="wanted.create",
            object_type="WantedNotice",
            object_id=notice.id,
        )
    return notice


async def close_notice(*, actor: Actor, notice_id: int) -> WantedNotice:
    """Closes a WANTED notice (found, or no longer needed)."""
    async with in_transaction():
        notice = await get_wanted(actor, notice_id, lock=True)
        await require_wanted_manager(actor, notice)
        if notice.status != WantedStatus.OPEN:
            raise DomainError(E.INVALID_TRANSITION, _("The notice is closed already."))
        await WantedNotice.filter(id=notice.id).update(
            status=WantedStatus.CLOSED, closed_at=datetime.now(UTC)
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="wanted.close",
            object_type="WantedNotice",
            object_id=notice.id,
        )
        await notice.refresh_from_db()
    return notice


def _clean(
    *,
    title: str,
    description: str,
    area_name: str,
    location: tuple[float, float],
    within_km: int,
    expires_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    bag = ErrorBag()
    row: dict[str, Any] = {}
    try:
        row |= validation.clean(
            {"title": title, "description": description, "area_name": area_name}
        )
    except DomainErrors as exc:
        bag.errors += exc.errors
    with bag.catch():
        row |= validation.location(location)
    with bag.catch():
        row["within_km"] = v.int_range(
            within_km, field="withinKm", low=1, high=50, invalid=E.INVALID
        )
    with bag.catch():
        row["expires_at"] = _expiry(expires_at, now)
    bag.raise_if_any()
    return row


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        raise DomainError(E.INVALID, _("Give a time zone (UTC offset)."), "expiresAt")
    if not now < expires_at <= now + MAX_LIFETIME:
        raise DomainError(E.INVALID, _("Within the next year."), "expiresAt")
    return expires_at.astimezone(UTC)


# The longest reach of a notice (wanted_reach_range): the k-ring of resolution-4 cells around the
# listing that holds every notice which could reach it (index wanted_open_category_cell4).
MAX_REACH_KM = 50
# Open notices of the listing's category and kind whose author it may serve and whose reach
# takes in the listing's coarse place (the centre of its resolution-8 cell, ~0.5 km across:
# never its exact point). Not the owner side's own notices.
_FITTING = """
SELECT w.id, w.author_id, w.title, m.email, m.notification_prefs, m.locale,
       {distance} AS distance_km
FROM wanted_notice w JOIN member m ON m.id = w.author_id AND m.hub_id = w.hub_id
WHERE w.hub_id = $1 AND w.status = 'open' AND w.category_id = $2 AND w.cell4 = ANY($3::text[])
  AND w.expires_at > $4 AND (w.kind IS NULL OR w.kind = $5) AND m.status = 'active'
  AND {distance} <= w.within_km
  AND w.author_id <> $8 AND w.author_id IS DISTINCT FROM $9
  AND (w.organisation_id IS NULL OR w.organisation_id IS DISTINCT FROM $10)
  AND ($10::bigint IS NULL OR NOT EXISTS (SELECT 1 FROM organisation_member om
       WHERE om.hub_id = w.hub_id AND om.organisation_id = $10 AND om.member_id = w.author_id))
  AND ($11 <> 'organisations' OR w.organisation_id IS NOT NULL)
  AND ($11 <> 'checked_members' OR (SELECT count(DISTINCT tc.kind) FROM trust_check tc
       WHERE tc.hub_id = w.hub_id AND tc.member_id = w.author_id AND tc.status = 'verified'
       AND (tc.expires_on IS NULL OR tc.expires_on >= current_date)
       AND tc.kind = ANY($12::text[])) = cardinality($12::text[]))
ORDER BY w.id
""".replace("{distance}", geo.haversine_sql("$6::float8", "$7::float8", alias="w"))
_STORE_MATCHES = """
INSERT INTO notification (hub_id, member_id, kind, asset_id, wanted_notice_id, title, reason,
                          delivery, score, data, created_at)
SELECT $1, t.m, $2, $3, t.n, left($4, 200), left(t.r, 300), 'now', 0, '{}', $5
FROM unnest($6::bigint[], $7::bigint[], $8::text[]) AS t(m, n, r)
ON CONFLICT DO NOTHING
RETURNING id, member_id
"""
# Every WANTED notification of the listing among the fitting notices, stored now or by an
# earlier run of the job: their emails are queued (each at most once, by its key).
_STORED = """
SELECT id, wanted_notice_id, reason FROM notification
WHERE hub_id = $1 AND asset_id = $2 AND kind = $3 AND wanted_notice_id = ANY($4::bigint[])
"""


@subscribe("asset.listed")
async def notify_wanted(
    *, asset_id: int, listed_at: str | None = None, now: datetime | None = None
) -> int:
    """Tells the authors of the open WANTED notices the new listing fits, once per notice
    (the notification_wanted_once constraint), and emails those who want emails. Each
    listing (`listed_at`) runs it; a listing listed again tells nobody twice.

    One transaction stores the notifications and queues their emails (keyed by notification),
    so a retry after a crash anywhere stores and queues nothing twice; the live announcement
    follows the commit. Returns how many notifications it stored.
    """
    now = now or datetime.now(UTC)
    asset = await Asset.get_or_none(id=asset_id)
    if asset is None or asset.status != AssetStatus.LISTED or asset.cell8 is None:
        return 0
    fitting = await _fitting(asset, now)
    if not fitting:
        return 0
    reasons = {
        row["id"]: notices.texts(
            NotificationKind.WANTED_MATCH,
            asset=asset.title,
            km=f"{row['distance_km']:.1f}",
            notice=row["title"],
        )[1]
        for row in fitting
    }
    async with in_transaction() as conn:
        stored = await conn.execute_query_dict(
            _STORE_MATCHES,
            [
                asset.hub_id,
                NotificationKind.WANTED_MATCH.value,
                asset.id,
                asset.title,
                now,
                [row["author_id"] for row in fitting],
                [row["id"] for row in fitting],
                [reasons[row["id"]] for row in fitting],
            ],
        )
        rows = await conn.execute_query_dict(
            _STORED,
            [asset.hub_id, asset.id, NotificationKind.WANTED_MATCH.value, list(reasons)],
        )
        by_notice = {row["id"]: row for row in fitting}
        hub_locale = await mail.hub_locale(asset.hub_id)
        emails = []
        for row in rows:
            notice = by_notice[row["wanted_notice_id"]]
            if not _wants_email(notice):
                continue
            with use_locale(resolve(member=notice["locale"], hub=hub_locale)):
                subject = localize(notices.WANTED_EMAIL_SUBJECT.format(asset=asset.title))
                reason = reasons[row["wanted_notice_id"]]
                text = localize(notices.WANTED_EMAIL_TEXT.format(reason=reason))
            emails.append((row["id"], notice["email"], subject, text))
        await notices.email(emails)
    await notices.announce([(int(r["member_id"]), int(r["id"])) for r in stored])
    return len(stored)


async def _fitting(asset: Asset, now: datetime) -> list[dict[str, Any]]:
    lat, lng = h3.cell_to_latlng(asset.cell8)
    return await Tortoise.get_connection("default").execute_query_dict(
        _FITTING,
        [
            asset.hub_id,
            asset.category_id,
            geo.cells_within(lat, lng, MAX_REACH_KM, 4),
            now,
            asset.kind.value,
            lat,
            lng,
            asset.listed_by_id,
            asset.owner_member_id,
            asset.owner_organisation_id,
            asset.audience.value,
            list(asset.required_checks) if asset.audience == Audience.CHECKED_MEMBERS else [],
        ],
    )


def _wants_email(row: dict[str, Any]) -> bool:
    prefs = row["notification_prefs"]
    prefs = orjson.loads(prefs) if isinstance(prefs, str | bytes) else prefs or {}
    return bool(row["email"]) and bool(prefs.get("email", True))
