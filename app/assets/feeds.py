"""iCalendar feeds (RFC 5545) at unguessable, revocable URLs: /ical/<token>.ics.

Two kinds (app.assets.sharing_models.FeedKind):
- a member's own feed: their bookings (pending ones TENTATIVE), the loans they must return (a
  timed event at the due time) and their accepted volunteering shifts (an opportunity's
  recurrence becomes the event's RRULE);
- an asset's feed, for its owner side (the policy table's MANAGES, checked again at every
  read: someone who leaves the organisation loses the feed with it): the asset's confirmed,
  checked-in and checked-out bookings, named by the booker's display name or organisation
  only (no message, no contact), and its agreed or running loans as all-day spans.

Only the SHA-256 of a token is stored; the token is shown once, when the feed is made or its
token rotated. A revoked, rotated-away or unknown token, a suspended member, or an asset feed
whose holder no longer manages the asset answer 404 (app/web/ical.py).

The events themselves are built by app/assets/calendar_events.py.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.assets.access import get_asset, require_manager
from app.assets.calendar_events import TEXTS, EventBuilder
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetKind
from app.assets.policy import MANAGES
from app.assets.sharing_models import CalendarFeed, FeedKind
from app.audit import service as audit
from app.config import get_settings
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _, reader_locale, use_locale
from app.people.models import MemberRole, MemberStatus, Role
from app.policy import Viewer

TOKEN_PREFIX = "chc_"
MAX_TOKEN_LENGTH = 100
TOUCH_EVERY = timedelta(hours=1)  # how often a read records last_read_at
FEED_ASSET_KINDS = (AssetKind.BOOKABLE, AssetKind.LOAN)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def url_of(token: str) -> str:
    """The feed's URL (shown once: only the token's digest is kept)."""
    return f"{get_settings().public_url}/ical/{token}.ics"


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_feed(*, actor: Actor, asset_id: int | None = None) -> tuple[CalendarFeed, str]:
    """A new feed of the actor's commitments, or (with `asset_id`) of an asset they manage;
    returns it with its token, shown once. A feed of the same thing the actor made before is
    revoked: one live URL per member and calendar."""
    async with in_transaction():
        if asset_id is not None:
            asset = await get_asset(actor, asset_id, lock=True)
            await require_manager(actor, asset)
            if asset.kind not in FEED_ASSET_KINDS:
                raise DomainError(
                    E.INVALID, _("Only loans and bookables have calendars."), "assetId"
                )
        kind = FeedKind.MEMBER if asset_id is None else FeedKind.ASSET
        now = datetime.now(UTC)
        await CalendarFeed.filter(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            kind=kind,
            asset_id=asset_id,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        token = _new_token()
        feed = await CalendarFeed.create(
            hub_id=actor.hub_id,
            kind=kind,
            member_id=actor.member_id,
            asset_id=asset_id,
            token_sha256=digest(token),
        )
        await _audit(actor, "calendar_feed.create", feed)
    return feed, token


async def rotate_feed(*, actor: Actor, feed_id: int) -> tuple[CalendarFeed, str]:
    """A new token for the feed (live again if it was revoked); the old URL answers 404."""
    async with in_transaction():
        feed = await _holders(actor, feed_id)
        token = _new_token()
        await CalendarFeed.filter(id=feed.id).update(token_sha256=digest(token), revoked_at=None)
        await feed.refresh_from_db()
        await _audit(actor, "calendar_feed.rotate", feed)
    return feed, token


async def revoke_feed(*, actor: Actor, feed_id: int) -> CalendarFeed:
    """Its URL answers 404 from now on (rotate it to have a new one)."""
    async with in_transaction():
        feed = await _holders(actor, feed_id)
        if feed.revoked_at is None:
            await CalendarFeed.filter(id=feed.id).update(revoked_at=datetime.now(UTC))
            await feed.refresh_from_db()
            await _audit(actor, "calendar_feed.revoke", feed)
    return feed


async def _holders(actor: Actor, feed_id: int) -> CalendarFeed:
    """The feed, locked, if the actor holds it (the policy table's rule), else typed errors."""
    from app.assets.feeds_policy import HOLDER

    feed = await CalendarFeed.filter(id=feed_id, hub_id=actor.hub_id).select_for_update().first()
    if feed is None:
        raise DomainError(E.NOT_FOUND, _("No such calendar feed."), "calendarFeedId")
    if not await HOLDER.allows(Viewer.of(actor), feed):
        raise DomainError(E.FORBIDDEN, _("Only the member who made a feed manages it."), None)
    return feed


async def _audit(actor: Actor, action: str, feed: CalendarFeed) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="CalendarFeed",
        object_id=feed.id,
        data={"kind": feed.kind.value, "asset_id": feed.asset_id},
    )


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str  # a strong validator: the SHA-256 of the body
    last_modified: datetime


async def render(token: str, *, now: datetime | None = None) -> Rendered | None:
    """The calendar behind a feed token, or None (answer 404)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = (
        await CalendarFeed.filter(token_sha256=digest(token), revoked_at__isnull=True)
        .select_related("hub", "member")
        .first()
    )
    if feed is None or feed.member.status == MemberStatus.SUSPENDED:
        return None
    now = now or datetime.now(UTC)
    await _touch(feed, now)
    hub: Hub = feed.hub
    with use_locale(reader_locale(feed.member, hub_locale=hub.locale)):
        return await _render(feed, hub, now)


async def _render(feed: CalendarFeed, hub: Hub, now: datetime) -> Rendered | None:
    holder = Viewer.of(await _holder(feed))
    builder = EventBuilder(hub, now)
    if feed.kind == FeedKind.ASSET:
        asset = await Asset.get_or_none(id=feed.asset_id, hub_id=feed.hub_id)
        # MANAGES, asked for the holder as if they asked now
        if asset is None or not await MANAGES.allows(holder, asset):
            return None
        name = TEXTS["asset_calendar"].format(asset=asset.title, hub=hub.name)
        await builder.asset_events(asset)
    else:
        name = TEXTS["member_calendar"].format(member=feed.member.display_name, hub=hub.name)
        await builder.member_events(holder)
    body = builder.calendar(name).to_ical()
    return Rendered(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=max([feed.created_at, *builder.changed]),
    )


async def _touch(feed: CalendarFeed, now: datetime) -> None:
    if feed.last_read_at is None or feed.last_read_at < now - TOUCH_EVERY:
        await CalendarFeed.filter(id=feed.id).update(last_read_at=now)


async def _holder(feed: CalendarFeed) -> Actor:
    """The feed's member with their roles now, as the policy table's rules see them."""
    roles = await MemberRole.filter(hub_id=feed.hub_id, member_id=feed.member_id).values_list(
        "role", flat=True
    )
    return Actor(member=feed.member, roles=frozenset({Role.MEMBER, *(Role(str(r)) for r in roles)}))
