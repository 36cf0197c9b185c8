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

Times are written in the hub's time zone (TZID, with its VTIMEZONE), so a weekly 09:00 shift
stays at 09:00 across a daylight-saving change. UIDs are stable per event; SEQUENCE and
LAST-MODIFIED follow the row's last change; DTSTAMP is the row's last change too, so an
unchanged calendar is byte-identical and its ETag holds.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.assets.access import get_asset, require_manager
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetKind
from app.assets.policy import MANAGES
from app.assets.sharing_models import (
    DATES_HOLDING,
    Booking,
    BookingStatus,
    CalendarFeed,
    FeedKind,
    Loan,
    LoanStatus,
)
from app.audit import service as audit
from app.config import get_settings
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import TextTable, _, reader_locale, use_locale
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.opportunities.models import OpportunityStatus as O
from app.organisations.models import Organisation
from app.people.models import Member, MemberRole, MemberStatus, Role
from app.policy import Viewer, row_policy

TOKEN_PREFIX = "chc_"
MAX_TOKEN_LENGTH = 100
PAST = timedelta(days=90)  # events that ended longer ago leave the feed
AHEAD = timedelta(days=2 * 365)
MAX_EVENTS = 2000  # of each kind, per feed
TOUCH_EVERY = timedelta(hours=1)  # how often a read records last_read_at
PRODID = "-//Community Hub//Calendar feeds//EN"

# Every text a member reads in a feed, marked (app/i18n); a feed reads in its member's language.
TEXTS = TextTable(
    {
        "member_calendar": "{member} · {hub}",
        "asset_calendar": "{asset} · {hub}",
        "booking": _("Booked: {asset}"),
        "booking_pending": _("Booking request: {asset} (waiting for approval)"),
        "booked_by": "{asset}: {booker}",
        "loan_due": _("Return: {asset}"),
        "on_loan": _("On loan: {asset} to {borrower}"),
        "shift": "{title}",
    }
)
BOOKING_SHOWN = {
    FeedKind.MEMBER: (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN),
    FeedKind.ASSET: (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.CHECKED_OUT),
}
LOANS_DUE = (LoanStatus.APPROVED, LoanStatus.ON_LOAN, LoanStatus.OVERDUE)
LOANS_SHOWN = (*DATES_HOLDING, LoanStatus.RETURNED)
SHIFT_STATUSES = (O.PUBLISHED, O.FILLED, O.CLOSED, O.EXPIRED, O.CANCELLED)
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
    builder = _Builder(hub, now)
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


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The zone's transitions from two years before `year` to three after (cached)."""
    return Timezone.from_tzid(
        tzid, first_date=date(year - 2, 1, 1), last_date=date(year + 3, 12, 31)
    )


class _Builder:
    """Collects a feed's events (a fixed number of statements, whatever their number)."""

    def __init__(self, hub: Hub, now: datetime) -> None:
        self.hub, self.now = hub, now
        self.zone = ZoneInfo(hub.timezone)
        self.events: list[Event] = []
        self.changed: list[datetime] = []
        self.host = f"{hub.slug}.{urlsplit(get_settings().public_url).hostname or 'localhost'}"

    def calendar(self, name: str) -> Calendar:
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", self.hub.timezone)
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
        cal.add_component(_vtimezone(self.hub.timezone, self.now.year))
        for event in self.events:
            cal.add_component(event)
        return cal

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def _event(self, uid: str, summary: str, created: datetime, changed: datetime) -> Event:
        event = Event()
        event.add("uid", f"{uid}@{self.host}")
        event.add("dtstamp", changed.astimezone(UTC))
        event.add("created", created.astimezone(UTC))
        event.add("last-modified", changed.astimezone(UTC))
        # Grows with every change of the row (RFC 5545 3.8.7.4), with no counter to keep.
        event.add("sequence", max(0, int((changed - created).total_seconds())))
        event.add("summary", summary)
        self.changed.append(changed)
        self.events.append(event)
        return event

    def _window(self) -> tuple[datetime, datetime]:
        return self.now - PAST, self.now + AHEAD

    # A member's feed

    async def member_events(self, viewer: Viewer) -> None:
        assert viewer.member_id is not None
        member_id = viewer.member_id
        since, until = self._window()
        hub_id = self.hub.id
        bookings = (
            await Booking.filter(
                hub_id=hub_id,
                booker_id=member_id,
                status__in=list(BOOKING_SHOWN[FeedKind.MEMBER]),
                ends_at__gte=since,
                starts_at__lt=until,
            )
            .order_by("starts_at", "id")
            .limit(MAX_EVENTS)
        )
        loans = (
            await Loan.filter(
                hub_id=hub_id,
                borrower_id=member_id,
                status__in=list(LOANS_DUE),
                due_at__gte=since,
            )
            .order_by("due_at", "id")
            .limit(MAX_EVENTS)
        )
        shifts = (
            await Application.filter(
                hub_id=hub_id,
                applicant_id=member_id,
                status=ApplicationStatus.ACCEPTED,
                opportunity__starts_at__isnull=False,
                opportunity__status__in=list(SHIFT_STATUSES),
            )
            .select_related("opportunity")
            .order_by("id")
            .limit(MAX_EVENTS)
        )
        asset_ids = {b.asset_id for b in bookings} | {loan.asset_id for loan in loans}
        assets = await _rows(Asset, hub_id, asset_ids)
        shown = await _allowed(viewer, "Asset", "address", list(assets.values()))
        for booking in bookings:
            self._member_booking(booking, assets[booking.asset_id], shown)
        for loan in loans:
            asset = assets[loan.asset_id]
            event = self._event(
                f"loan-{loan.id}-due",
                TEXTS["loan_due"].format(asset=asset.title),
                loan.created_at,
                loan.updated_at,
            )
            event.add("dtstart", self._local(loan.due_at))
            event.add("dtend", self._local(loan.due_at + timedelta(minutes=30)))
            event.add("location", _place(asset, shown))
            event.add("status", "CONFIRMED")
        opportunities = [a.opportunity for a in shifts]
        visible = await _allowed(viewer, "Opportunity", "address", opportunities)
        for application in shifts:
            self._shift(application, application.opportunity, visible)

    def _member_booking(self, booking: Booking, asset: Asset, shown: set[int]) -> None:
        pending = booking.status == BookingStatus.PENDING
        text = TEXTS["booking_pending" if pending else "booking"].format(asset=asset.title)
        event = self._event(f"booking-{booking.id}", text, booking.created_at, booking.updated_at)
        event.add("dtstart", self._local(booking.starts_at))
        event.add("dtend", self._local(booking.ends_at))
        event.add("location", _place(asset, shown))
        event.add("status", "TENTATIVE" if pending else "CONFIRMED")

    def _shift(self, application: Application, opportunity: Opportunity, shown: set[int]) -> None:
        assert opportunity.starts_at is not None
        changed = max(application.updated_at, opportunity.updated_at)
        event = self._event(
            f"shift-{application.id}",
            TEXTS["shift"].format(title=opportunity.title),
            application.created_at,
            changed,
        )
        starts = self._local(opportunity.starts_at)
        ends = opportunity.ends_at or opportunity.starts_at + timedelta(hours=1)
        event.add("dtstart", starts)
        event.add("dtend", self._local(ends))
        if opportunity.recurrence:
            event.add("rrule", self._rrule(opportunity.recurrence, starts))
        if opportunity.description:
            event.add("description", opportunity.description)
        place = opportunity.address if opportunity.id in shown else ""
        event.add("location", place or opportunity.area_name)
        event.add("status", "CANCELLED" if opportunity.status == O.CANCELLED else "CONFIRMED")

    def _rrule(self, text: str, starts: datetime) -> vRecur:
        """The stored rule, with UNTIL in UTC as RFC 5545 requires when DTSTART has a TZID."""
        rule = vRecur.from_ical(text.removeprefix("RRULE:"))
        until = rule.get("UNTIL")
        if until:
            value = until[0]
            if not isinstance(value, datetime):  # a date: the end of that local day
                value = datetime.combine(value, time.max.replace(microsecond=0), self.zone)
            elif value.tzinfo is None:  # floating: the hub's wall clock
                value = value.replace(tzinfo=self.zone)
            rule["UNTIL"] = [value.astimezone(UTC)]
        return rule

    # An asset's feed, for its owner side

    async def asset_events(self, asset: Asset) -> None:
        since, until = self._window()
        bookings = (
            await Booking.filter(
                hub_id=asset.hub_id,
                asset_id=asset.id,
                status__in=list(BOOKING_SHOWN[FeedKind.ASSET]),
                ends_at__gte=since,
                starts_at__lt=until,
            )
            .order_by("starts_at", "id")
            .limit(MAX_EVENTS)
        )
        loans = (
            await Loan.filter(
                hub_id=asset.hub_id,
                asset_id=asset.id,
                status__in=list(LOANS_SHOWN),
                due_at__gte=since,
                starts_at__lt=until,
            )
            .order_by("starts_at", "id")
            .limit(MAX_EVENTS)
        )
        people = {b.booker_id for b in bookings} | {loan.borrower_id for loan in loans}
        groups = {b.booker_organisation_id for b in bookings} | {
            loan.borrower_organisation_id for loan in loans
        }
        members = await _rows(Member, asset.hub_id, people)
        organisations = await _rows(Organisation, asset.hub_id, groups - {None})

        def who(member_id: int, organisation_id: int | None) -> str:
            if organisation_id is not None and organisation_id in organisations:
                return str(organisations[organisation_id].name)
            return str(members[member_id].display_name) if member_id in members else ""

        for booking in bookings:
            event = self._event(
                f"booking-{booking.id}",
                TEXTS["booked_by"].format(
                    asset=asset.title, booker=who(booking.booker_id, booking.booker_organisation_id)
                ),
                booking.created_at,
                booking.updated_at,
            )
            event.add("dtstart", self._local(booking.starts_at))
            event.add("dtend", self._local(booking.ends_at))
            event.add("status", "CONFIRMED")
        for loan in loans:
            event = self._event(
                f"loan-{loan.id}",
                TEXTS["on_loan"].format(
                    asset=asset.title, borrower=who(loan.borrower_id, loan.borrower_organisation_id)
                ),
                loan.created_at,
                loan.updated_at,
            )
            # All day, from the local day it goes out to the local day it is due (inclusive).
            first = self._local(loan.starts_at).date()
            last = self._local(loan.due_at).date()
            event.add("dtstart", first)
            event.add("dtend", max(last, first) + timedelta(days=1))
            event.add("transp", "OPAQUE")
            event.add("status", "CONFIRMED")


async def _rows(model: Any, hub_id: int, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {row.id: row for row in await model.filter(hub_id=hub_id, id__in=wanted)}


async def _allowed(viewer: Viewer, type_name: str, field: str, rows: list[Any]) -> set[int]:
    """Ids of `rows` whose `field` the policy table shows this viewer (one batch)."""
    if not rows:
        return set()
    rule = row_policy(type_name).rule_of(field)
    if rule is None:
        return {row.id for row in rows}
    answers = await rule.check_many(viewer, rows)
    return {row.id for row, ok in zip(rows, answers, strict=True) if ok}


def _place(asset: Asset, shown: set[int]) -> str:
    """The address where the policy shows it to the member, else the public area."""
    return (asset.address if asset.id in shown else "") or asset.area_name
