"""WANTED notices: 'Wanted: a desk for our community centre'. A listing that fits an open one
(same category, within its reach) is for the matching flow to announce to its author."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets import validation
from app.assets.access import get_wanted, require_wanted_manager
from app.assets.errors import AssetErrorCode as E
from app.assets.models import AssetCategory, AssetKind, WantedNotice, WantedStatus
from app.audit import service as audit
from app.errors import DomainError, DomainErrors, ErrorBag
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
            raise DomainError(E.INVALID, "No such asset category in this hub.", "assetCategoryId")
        if organisation_id is not None and not await OrganisationMember.exists(
            hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
        ):
            raise DomainError(
                E.FORBIDDEN, "You do not belong to this organisation.", "organisationId"
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
            raise DomainError(E.INVALID_TRANSITION, "The notice is closed already.")
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
        raise DomainError(E.INVALID, "Give a time zone (UTC offset).", "expiresAt")
    if not now < expires_at <= now + MAX_LIFETIME:
        raise DomainError(E.INVALID, "Within the next year.", "expiresAt")
    return expires_at.astimezone(UTC)
