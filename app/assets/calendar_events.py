"""The events of a calendar feed (app/assets/feeds.py holds the feeds and their tokens): a
member's bookings, loans due and accepted shifts, or an asset's bookings and loans, in the hub's
time zone, each kind read in a fixed number of statements whatever the number of events.

Times are written in the hub's time zone (TZID, with its VTIMEZONE), so a weekly 09:00 shift
stays at 09:00 across a daylight-saving change. UIDs are stable per event; SEQUENCE and
LAST-MODIFIED follow the row's last change; DTSTAMP is the row's last change too, so an
unchanged calendar is byte-identical and its ETag holds.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from app.assets.models import Asset
from app.assets.sharing_models import (
    DATES_HOLDING,
    Booking,
    BookingStatus,
    FeedKind,
    Loan,
    LoanStatus,
)
from app.config import get_settings
from app.hubs.models import Hub
from app.i18n import TextTable, _
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.opportunities.models import OpportunityStatus as O
from app.organisations.models import Organisation
from app.people.models import Member
from app.policy import Viewer, row_policy

PAST = timedelta(days=90)  # events that ended longer ago leave the feed
AHEAD = timedelta(days=2 * 365)
MAX_EVENTS = 2000  # of each kind, per feed
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


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The zone's transitions from two years before `year` to three after (cached)."""
    return Timezone.from_tzid(
        tzid, first_date=date(year - 2, 1, 1), last_date=date(year + 3, 12, 31)
    )


class EventBuilder:
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
