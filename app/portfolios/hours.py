"""Logging volunteered hours and verifying them. A verified record is final and earns once."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from tortoise import Tortoise
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _
from app.opportunities.models import ApplicationStatus, Opportunity
from app.people.models import Role
from app.policy import Viewer
from app.portfolios import engagement
from app.portfolios.errors import PortfolioErrorCode as E
from app.portfolios.models import HoursRecord, HoursStatus
from app.portfolios.policy import RECEIVER

MAX_MINUTES_A_DAY = 24 * 60
OLDEST = timedelta(days=366)


async def _hub_zone(hub_id: int) -> ZoneInfo:
    hub = await Hub.get(id=hub_id)
    return ZoneInfo(hub.timezone)


def shift_starts(opportunity: Opportunity, day: date, zone: ZoneInfo) -> list[datetime]:
    """When the opportunity's shifts on `day` (in the hub's zone) start: its one start, or the
    occurrences of its recurrence that fall on that day; none when it has no start time."""
    if opportunity.starts_at is None:
        return []
    first = opportunity.starts_at.astimezone(zone)
    if not opportunity.recurrence:
        return [first] if first.date() == day else []
    try:
        rule = rrulestr(opportunity.recurrence, dtstart=first)
    except (ValueError, TypeError):  # stored rules were checked when posted
        return [first] if first.date() == day else []
    midnight = datetime.combine(day, time.min, zone)
    found = rule.between(midnight, midnight + timedelta(days=1), inc=True)
    return [start for start in found if start.date() == day]


async def log_hours(
    *, actor: Actor, application_id: int, worked_on: date, minutes: int, note: str = ""
) -> HoursRecord:
    """The volunteer of an accepted engagement records time given (pending verification)."""
    v.int_range(minutes, field="minutes", low=1, high=MAX_MINUTES_A_DAY, invalid=E.INVALID)
    note = v.text(note, field="note", max_length=500, invalid=E.INVALID, required=False)
    zone = await _hub_zone(actor.hub_id)
    now = datetime.now(zone)
    today = now.date()
    if worked_on > today:
        raise DomainError(E.FUTURE_DATE, _("Hours can only be logged once given."), "workedOn")
    if worked_on < today - OLDEST:
        raise DomainError(E.INVALID, _("At most a year back."), "workedOn")
    async with in_transaction():
        found = await engagement.load(actor, application_id, lock=True)
        if actor.member_id != found.volunteer_id:
            raise DomainError(E.FORBIDDEN, _("Only the volunteer logs their hours."), None)
        if found.application.status != ApplicationStatus.ACCEPTED:
            raise DomainError(E.NOT_ACCEPTED, _("Only accepted engagements log hours."), None)
        _check_shift_started(found.opportunity, worked_on, now, zone)
        await _check_daily_total(actor, worked_on, minutes)
        record = await HoursRecord.create(
            hub_id=actor.hub_id,
            application_id=application_id,
            opportunity_id=found.opportunity.id,
            volunteer_id=actor.member_id,
            worked_on=worked_on,
            minutes=minutes,
            note=note,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="hours.log",
            object_type="HoursRecord",
            object_id=record.id,
        )
    return record


def _check_shift_started(
    opportunity: Opportunity, worked_on: date, now: datetime, zone: ZoneInfo
) -> None:
    """Hours for a day with a shift count once that day's (first) shift has begun: by the time
    in the hub's zone, not the day alone."""
    starts = shift_starts(opportunity, worked_on, zone)
    if starts and min(starts) > now:
        at = min(starts).strftime("%H:%M")
        raise DomainError(
            E.FUTURE_DATE,
            _("The shift starts at {at}: log the hours once given.", at=at),
            "workedOn",
        )


async def to_verify(
    viewer: Viewer, *, opportunity_ids: list[int] | None = None
) -> QuerySet[HoursRecord]:
    """Pending records the viewer may verify: they are on the receiving side of the engagement
    (the policy's RECEIVER rule, as SQL) and did not log the hours themselves. Oldest first."""
    query = HoursRecord.filter(hub_id=viewer.hub_id, status=HoursStatus.PENDING).filter(
        await RECEIVER.q(viewer)
    )
    if viewer.member_id is not None:
        query = query.exclude(volunteer_id=viewer.member_id)
    if opportunity_ids is not None:
        query = query.filter(opportunity_id__in=opportunity_ids)
    return query.order_by("created_at", "id")


async def _check_daily_total(actor: Actor, worked_on: date, minutes: int) -> None:
    """At most a day's minutes per volunteer and day, across all their engagements.

    Concurrent logs for different engagements lock different application rows, so they queue
    on a transaction-scoped advisory lock per volunteer before summing.
    """
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [f"hours-day:{actor.hub_id}:{actor.member_id}"],
    )
    rows = await conn.execute_query_dict(
        "SELECT coalesce(sum(minutes), 0) AS total FROM hours_record"
        " WHERE hub_id = $1 AND volunteer_id = $2 AND worked_on = $3 AND status <> 'rejected'",
        [actor.hub_id, actor.member_id, worked_on],
    )
    logged = int(rows[0]["total"])
    if logged + minutes > MAX_MINUTES_A_DAY:
        raise DomainError(
            E.INVALID,
            _("{logged} minutes are already logged that day: a day has 1440.", logged=logged),
            "minutes",
        )


async def _locked_record(actor: Actor, record_id: int) -> HoursRecord:
    record = await HoursRecord.select_for_update().get_or_none(id=record_id, hub_id=actor.hub_id)
    if record is None:
        raise DomainError(E.NOT_FOUND, _("No such hours record."), "hoursRecordId")
    return record


async def verify_hours(*, actor: Actor, record_id: int) -> HoursRecord:
    """The receiving side confirms the hours: final, and credited exactly once."""
    async with in_transaction():
        record = await _locked_record(actor, record_id)
        await _check_reviewer(actor, record)
        await _decide(actor, record, HoursStatus.VERIFIED, action="hours.verify")
    return record


async def dispute_hours(*, actor: Actor, record_id: int, reason: str) -> HoursRecord:
    """The receiving side disputes the hours, saying why; a moderator resolves it."""
    reason = v.text(reason, field="reason", max_length=500, invalid=E.INVALID, multiline=True)
    async with in_transaction():
        record = await _locked_record(actor, record_id)
        await _check_reviewer(actor, record)
        record.dispute_reason = reason
        await _decide(actor, record, HoursStatus.DISPUTED, action="hours.dispute")
    return record


async def resolve_dispute(
    *, actor: Actor, record_id: int, verify: bool, note: str = ""
) -> HoursRecord:
    """A moderator settles a disputed record: verified (credited) or rejected."""
    actor.require_role(Role.MODERATOR, Role.HUB_ADMIN)
    note = v.text(note, field="note", max_length=500, invalid=E.INVALID, required=False)
    async with in_transaction():
        record = await _locked_record(actor, record_id)
        if record.volunteer_id == actor.member_id:
            raise DomainError(E.OWN_HOURS, _("Nobody settles their own hours."), None)
        if await (await engagement.load(actor, record.application_id)).on_receiving_side(actor):
            raise DomainError(
                E.FORBIDDEN, _("Another moderator settles disputes you are in."), None
            )
        if record.status != HoursStatus.DISPUTED:
            raise DomainError(
                E.ALREADY_DECIDED, _("The record is {value}.", value=record.status.value), None
            )
        record.resolution_note = note
        target = HoursStatus.VERIFIED if verify else HoursStatus.REJECTED
        await _decide(actor, record, target, action="hours.resolve")
    return record


async def _check_reviewer(actor: Actor, record: HoursRecord) -> None:
    if record.volunteer_id == actor.member_id:
        raise DomainError(E.OWN_HOURS, _("Nobody verifies their own hours."), None)
    found = await engagement.load(actor, record.application_id)
    if not await found.on_receiving_side(actor):
        raise DomainError(E.FORBIDDEN, _("Only the side that was helped can verify hours."), None)
    if record.status != HoursStatus.PENDING:
        raise DomainError(
            E.ALREADY_DECIDED, _("The record is {value}.", value=record.status.value), None
        )


async def _decide(actor: Actor, record: HoursRecord, status: HoursStatus, *, action: str) -> None:
    record.status = status
    record.reviewed_by_id = actor.member_id
    record.reviewed_at = datetime.now(UTC)
    await record.save(
        update_fields=[
            "status",
            "reviewed_by_id",
            "reviewed_at",
            "dispute_reason",
            "resolution_note",
        ]
    )
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="HoursRecord",
        object_id=record.id,
        data={"status": status.value},
    )
    if status == HoursStatus.VERIFIED:
        await events.emit(
            "hours.verified",
            {
                "hours_record_id": record.id,
                "hub_id": record.hub_id,
                "volunteer_id": record.volunteer_id,
                "minutes": record.minutes,
            },
            key=f"{record.id}",
        )
