"""Bookings: a slot [start, end) of a BOOKABLE asset, for yourself or for an organisation you
belong to; the owner side approves it where it wants to, the booker checks in and out.

A booking (BookingStatus) is PENDING (the owner side approves it) or at once CONFIRMED (the
asset needs no approval); PENDING becomes CONFIRMED or DECLINED; CONFIRMED becomes CHECKED_IN
(by the booker's side, from 15 minutes before its start until its end) and then CHECKED_OUT (by
either side; or by the cron job 15 minutes after its end), or NO_SHOW when it ended without a
check-in (the cron job). PENDING and CONFIRMED bookings can be CANCELLED by either side.

Slots never overlap: the exclusion constraint booking_no_overlap decides, also under concurrent
requests (a violation, SQLSTATE 23P01, answers SLOT_TAKEN); a PENDING booking keeps its slot
while the owner side decides. The slot must keep the owner's rules: length, notice and opening
hours, the very predicates the search's "free" filter runs (app/assets/rules.py). Who may book
is the asset's audience (app/assets/audience.py); the owner side may not book its own asset
(OWN_ASSET): a booking is an agreement between two sides, with check-in, check-out and credits.

Credits (app/assets/lending.py). A priced asset's booking costs its price per hour for the
slot's minutes, a started credit counted whole. The booker's credits are HELD when they book
(INSUFFICIENT_CREDITS otherwise, and nothing is written) and:
- POSTED to the owner side at check-out;
- VOIDED when the owner side declines or cancels, when the booker cancels in time (before the
  asset's cancellation notice: `cancel_notice_minutes` before the start), or cancels a booking
  never confirmed, and when nobody decided before its start (the cron job declines it);
- POSTED when the booker cancels late (inside the cancellation notice) or does not show up:
  the slot was kept for them and nobody else could book it.
Checking out records the booking's impact once (app/assets/impact.py).
"""

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.assets import lending, rules
from app.assets.access import get_asset
from app.assets.errors import AssetErrorCode as E
from app.assets.impact import record_impact
from app.assets.lending_policy import BOOKER_SIDE, CALENDAR_READERS, OWNER_SIDE
from app.assets.models import AssetKind
from app.assets.policy import MANAGES
from app.assets.sharing_models import Booking
from app.assets.sharing_models import BookingStatus as S
from app.audit import service as audit
from app.credits.models import TransferKind
from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.policy import Viewer

MAX_MESSAGE = 2000
LONGEST = timedelta(days=31)
CHECK_IN_EARLY = timedelta(minutes=15)
FIELDS = {"start": "startsAt", "end": "endsAt"}
WHAT = "booking"

# What a member reads, in one place (no gettext catalogue yet: DESIGN.md "Languages").
TEXTS = {
    "not_found": _("No such booking."),
    "not_bookable": _("This is not a listed space or piece of equipment to book."),
    "slot_taken": _("Someone has booked that time already (or part of it)."),
    "not_booker": _("Only the booker's side checks in."),
    "owner_only": _("Only the asset's owner side decides on bookings."),
    "too_early": _("Check in from 15 minutes before the start."),
    "ended": _("The booking has ended."),
    "started": _("It has started: it can no longer be cancelled."),
    "memo": _("Booking of “{title}”"),
    "calendar": _("Only the asset's owner side sees its bookings."),
}


def bookings_of(*, actor: Actor, status: S | None = None) -> QuerySet[Booking]:
    """The actor's own bookings, latest start first."""
    query = Booking.filter(hub_id=actor.hub_id, booker_id=actor.member_id)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-starts_at", "-id")


async def bookings_for(
    *,
    actor: Actor,
    asset_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    status: S | None = None,
) -> QuerySet[Booking]:
    """An asset's bookings in start order (those ending after `since`, starting before
    `until`): for its owner side and moderators."""
    asset = await get_asset(actor, asset_id)
    if not await CALENDAR_READERS.allows(Viewer.of(actor), asset):
        raise AccessDenied(TEXTS["calendar"])
    query = Booking.filter(hub_id=actor.hub_id, asset_id=asset.id)
    if since is not None:
        query = query.filter(ends_at__gt=since)
    if until is not None:
        query = query.filter(starts_at__lt=until)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("starts_at", "id")


async def book(
    *,
    actor: Actor,
    asset_id: int,
    starts_at: datetime,
    ends_at: datetime,
    organisation_id: int | None = None,
    message: str = "",
) -> Booking:
    """Books a slot of a listed bookable asset: CONFIRMED at once, or PENDING where the owner
    side approves; a priced one holds its credits."""
    message = v.text(
        message,
        field="message",
        max_length=MAX_MESSAGE,
        invalid=E.INVALID,
        required=False,
        multiline=True,
    )
    now = datetime.now(UTC)
    lending.check_times(starts_at, ends_at, now, fields=("startsAt", "endsAt"), longest=LONGEST)
    try:
        async with in_transaction():
            asset = await lending.agreeable_asset(
                actor=actor,
                asset_id=asset_id,
                kind=AssetKind.BOOKABLE,
                starts=starts_at,
                ends=ends_at,
                now=now,
                organisation_id=organisation_id,
                manages=MANAGES,
                unavailable=TEXTS["not_bookable"],
                fields=FIELDS,
            )
            instant = not asset.requires_approval
            minutes = rules.minutes_between(starts_at, ends_at)
            booking = await Booking.create(
                hub_id=actor.hub_id,
                asset_id=asset.id,
                booker_id=actor.member_id,
                booker_organisation_id=organisation_id,
                starts_at=starts_at,
                ends_at=ends_at,
                status=S.CONFIRMED if instant else S.PENDING,
                message=message,
                price_credits=lending.price_for(asset.price_credits, minutes),
                decided_at=now if instant else None,
            )
            if booking.price_credits:
                held = await lending.hold(
                    asset=asset,
                    payer_id=actor.member_id,
                    amount=booking.price_credits,
                    kind=TransferKind.RENTAL,
                    reference=f"booking:{booking.id}",
                    memo=TEXTS["memo"].format(title=asset.title),
                )
                await Booking.filter(id=booking.id).update(credit_hold_id=held.id)
                booking.credit_hold_id = held.id
            await _audit(actor, booking, "booking.create", status=booking.status.value)
            if instant:
                await _confirmed(booking)
    except IntegrityError as exc:
        if lending.constraint_of(exc) != "booking_no_overlap":
            raise
        raise DomainError(E.SLOT_TAKEN, TEXTS["slot_taken"], "startsAt") from exc
    return booking


async def confirm(*, actor: Actor, booking_id: int) -> Booking:
    """The owner side confirms a pending booking."""
    async with in_transaction():
        booking = await _locked(actor, booking_id)
        await _require_owner_side(actor, booking)
        lending.require_status(booking, S.PENDING, what=WHAT)
        if booking.ends_at <= datetime.now(UTC):
            raise DomainError(E.INVALID_TRANSITION, TEXTS["ended"])
        await _update(
            booking, status=S.CONFIRMED, decided_at=datetime.now(UTC), decided_by_id=actor.member_id
        )
        await _audit(actor, booking, "booking.confirm")
        await _confirmed(booking)
    return booking


async def decline(*, actor: Actor, booking_id: int, reason: str = "") -> Booking:
    """The owner side declines a pending booking: its slot is free again, its credits
    released."""
    reason = _reason(reason)
    async with in_transaction():
        booking = await _locked(actor, booking_id)
        await _require_owner_side(actor, booking)
        lending.require_status(booking, S.PENDING, what=WHAT)
        await lending.settle(booking.credit_hold_id, post=False)
        await _update(
            booking,
            status=S.DECLINED,
            decided_at=datetime.now(UTC),
            decided_by_id=actor.member_id,
            cancel_reason=reason,
        )
        await _audit(actor, booking, "booking.decline")
    return booking


async def cancel(*, actor: Actor, booking_id: int, reason: str = "") -> Booking:
    """Either side cancels a pending or confirmed booking; the booker's side only before it
    starts. Its credits are released, unless the booker cancels a confirmed booking inside the
    asset's cancellation notice: then they are paid (see the module's note)."""
    reason = _reason(reason)
    now = datetime.now(UTC)
    async with in_transaction():
        booking = await _locked(actor, booking_id)
        owner = await lending.side_of(
            actor, booking, owner=OWNER_SIDE, other=BOOKER_SIDE, what=WHAT
        )
        lending.require_status(booking, S.PENDING, S.CONFIRMED, what=WHAT)
        late = False
        if not owner:
            if booking.starts_at <= now:
                raise DomainError(E.INVALID_TRANSITION, TEXTS["started"])
            asset = await get_asset(actor, booking.asset_id)
            notice = timedelta(minutes=asset.cancel_notice_minutes)
            late = booking.status == S.CONFIRMED and now > booking.starts_at - notice
        await lending.settle(booking.credit_hold_id, post=late)
        await _update(
            booking,
            status=S.CANCELLED,
            cancelled_at=now,
            cancelled_by_id=actor.member_id,
            cancel_reason=reason,
        )
        await _audit(
            actor, booking, "booking.cancel", side="owner" if owner else "booker", late=late
        )
    return booking


async def check_in(*, actor: Actor, booking_id: int) -> Booking:
    """The booker's side checks in to a confirmed booking, from 15 minutes before its start
    until its end."""
    now = datetime.now(UTC)
    async with in_transaction():
        booking = await _locked(actor, booking_id)
        if not await BOOKER_SIDE.allows(Viewer.of(actor), booking):
            raise DomainError(E.FORBIDDEN, TEXTS["not_booker"])
        lending.require_status(booking, S.CONFIRMED, what=WHAT)
        if now < booking.starts_at - CHECK_IN_EARLY:
            raise DomainError(E.INVALID_TRANSITION, TEXTS["too_early"])
        if now >= booking.ends_at:
            raise DomainError(E.INVALID_TRANSITION, TEXTS["ended"])
        await _update(booking, status=S.CHECKED_IN, checked_in_at=now)
        await _audit(actor, booking, "booking.check_in")
    return booking


async def check_out(*, actor: Actor, booking_id: int) -> Booking:
    """Either side checks a checked-in booking out: its credits are paid to the owner side
    and its impact recorded."""
    async with in_transaction():
        booking = await _locked(actor, booking_id)
        owner = await lending.side_of(
            actor, booking, owner=OWNER_SIDE, other=BOOKER_SIDE, what=WHAT
        )
        lending.require_status(booking, S.CHECKED_IN, what=WHAT)
        await finish(booking, datetime.now(UTC))
        await _audit(actor, booking, "booking.check_out", side="owner" if owner else "booker")
    return booking


async def finish(booking: Booking, now: datetime) -> None:
    """CHECKED_OUT: pays the held credits and records the impact (the caller holds the
    booking's row lock; the cron job checks out what nobody did)."""
    await lending.settle(booking.credit_hold_id, post=True)
    await _update(booking, status=S.CHECKED_OUT, checked_out_at=now)
    await record_impact(booking, at=now)


async def _confirmed(booking: Booking) -> None:
    await events.emit("booking.confirmed", {"booking_id": booking.id}, key=str(booking.id))


async def _locked(actor: Actor, booking_id: int) -> Booking:
    booking = await Booking.select_for_update().filter(id=booking_id, hub_id=actor.hub_id).first()
    if booking is None:
        raise DomainError(E.NOT_FOUND, TEXTS["not_found"], "bookingId")
    return booking


async def _require_owner_side(actor: Actor, booking: Booking) -> None:
    if not await OWNER_SIDE.allows(Viewer.of(actor), booking):
        raise DomainError(E.FORBIDDEN, TEXTS["owner_only"])


async def _update(booking: Booking, **changes: object) -> None:
    await Booking.filter(id=booking.id).update(**changes)
    for name, value in changes.items():
        setattr(booking, name, value)


def _reason(reason: str) -> str:
    return v.text(reason, field="reason", max_length=500, invalid=E.INVALID, required=False)


async def _audit(actor: Actor, booking: Booking, action: str, **data: object) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="Booking",
        object_id=booking.id,
        data=data or None,
    )
