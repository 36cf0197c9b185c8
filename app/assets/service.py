"""Listing assets as a member, an organisation or the hub, and moving them through their
lifecycle: draft, listed (or held for review), withdrawn; rehomed comes with the giveaway flow.
"""

from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from app import events
from app.actor import Actor
from app.assets import guard, validation
from app.assets.access import get_asset, require_manager
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetCategory, AssetStatus, OwnerKind
from app.assets.sharing_models import (
    DATES_HOLDING,
    Booking,
    BookingStatus,
    GiveawayRequest,
    GiveawayRequestStatus,
    Loan,
)
from app.audit import service as audit
from app.errors import DomainError, DomainErrors
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.people.models import Role

S = AssetStatus
EDITABLE = (S.DRAFT, S.LISTED, S.HELD, S.REJECTED, S.WITHDRAWN)
PUBLISHABLE = (S.DRAFT, S.REJECTED, S.WITHDRAWN)
WITHDRAWABLE = (S.DRAFT, S.LISTED, S.HELD, S.REJECTED)
REQUIRED_ON_CREATE = {"kind": "kind", "title": "title", "category_id": "assetCategoryId"}
# Columns the cross-field rules read (validation.check_consistency).
_RULE_COLUMNS = (
    "kind",
    "price_credits",
    "deposit_credits",
    "quantity",
    "min_minutes",
    "max_minutes",
    "audience",
    "required_checks",
    "lat",
)


async def create_asset(
    *,
    actor: Actor,
    fields: dict[str, Any],
    organisation_id: int | None = None,
    for_hub: bool = False,
    publish: bool = False,
) -> Asset:
    """Lists an asset as a draft, or at once: the actor's own, an organisation's (its people
    list for it) or the hub's (hub admins and asset managers)."""
    _require_fields(fields)
    row = {"quantity": 1, **validation.clean(fields)}
    row |= row.pop("location", {})
    owner = _owner(actor, organisation_id, for_hub)
    validation.check_consistency(_defaults(row), publishing=publish)
    now = datetime.now(UTC)
    async with in_transaction():
        await _check_owner(actor, owner)
        await _check_category(actor, row.get("category_id"))
        asset = await Asset.create(
            hub_id=actor.hub_id, listed_by_id=actor.member_id, status=S.DRAFT, **owner, **row
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="asset.create",
            object_type="Asset",
            object_id=asset.id,
        )
        if publish:
            await _go_public(asset, now)
    return asset


async def update_asset(*, actor: Actor, asset_id: int, fields: dict[str, Any]) -> Asset:
    """Changes the given fields; the kind only while a draft. A listed asset whose text now
    reads like an advert is held for review."""
    changes = validation.clean(fields)
    changes |= changes.pop("location", {})
    async with in_transaction():
        asset = await get_asset(actor, asset_id, lock=True)
        await require_manager(actor, asset)
        if asset.status not in EDITABLE:
            raise DomainError(
                E.NOT_EDITABLE, _("A {value} asset cannot change.", value=asset.status.value)
            )
        if "kind" in changes and asset.status != S.DRAFT and changes["kind"] != asset.kind:
            raise DomainError(E.NOT_EDITABLE, _("The kind is fixed once listed."), "kind")
        merged = {**{c: getattr(asset, c) for c in _RULE_COLUMNS}, **changes}
        public = asset.status not in (S.DRAFT, S.WITHDRAWN)
        validation.check_consistency(merged, publishing=public)
        await _check_category(actor, changes.get("category_id"))
        if changes:
            await Asset.filter(id=asset.id).update(**changes)
            await asset.refresh_from_db()
        text_changed = {"title", "description"} & set(changes)
        if asset.status == S.LISTED and text_changed:
            await _guard(asset, datetime.now(UTC))
            # The new words are read for automatic flags (app/moderation/on_events.py).
            await events.emit(
                "asset.edited",
                {"asset_id": asset.id},
                key=f"{asset.id}:{datetime.now(UTC).isoformat()}",
            )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="asset.update",
            object_type="Asset",
            object_id=asset.id,
            data={"fields": sorted(fields)},
        )
    return asset


async def publish_asset(*, actor: Actor, asset_id: int) -> Asset:
    """Lists a draft, or lists again a withdrawn or rejected asset; the promotions guard may
    hold it for review instead."""
    async with in_transaction():
        asset = await get_asset(actor, asset_id, lock=True)
        await require_manager(actor, asset)
        _require_status(asset, *PUBLISHABLE)
        if asset.quantity < 1:
            raise DomainError(E.INVALID_TRANSITION, _("Nothing is left to give away."), None)
        row = {c: getattr(asset, c) for c in _RULE_COLUMNS}
        validation.check_consistency(row, publishing=True)
        await _go_public(asset, datetime.now(UTC))
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="asset.publish",
            object_type="Asset",
            object_id=asset.id,
            data={"status": asset.status.value},
        )
    return asset


async def withdraw_asset(*, actor: Actor, asset_id: int) -> Asset:
    """Takes the asset down. Refused while a handover, a loan or a booking is agreed or
    under way: decline or finish those first."""
    now = datetime.now(UTC)
    async with in_transaction():
        asset = await get_asset(actor, asset_id, lock=True)
        await require_manager(actor, asset)
        _require_status(asset, *WITHDRAWABLE)
        if await _has_commitments(asset, now):
            raise DomainError(
                E.HAS_COMMITMENTS,
                _(
                    "A handover, loan or booking is agreed or under way: decline or finish "
                    "it first."
                ),
            )
        await Asset.filter(id=asset.id).update(status=S.WITHDRAWN, withdrawn_at=now)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="asset.withdraw",
            object_type="Asset",
            object_id=asset.id,
        )
        await asset.refresh_from_db()
    return asset


async def _go_public(asset: Asset, now: datetime) -> None:
    """LISTED (and the asset.listed event), or HELD when the guard finds an advert."""
    if await _guard(asset, now):
        return
    await Asset.filter(id=asset.id).update(
        status=S.LISTED, listed_at=now, held_reason="", held_at=None
    )
    await asset.refresh_from_db()
    await events.emit(
        "asset.listed",
        {"asset_id": asset.id, "listed_at": now.isoformat()},  # each listing is an event
        key=f"{asset.id}:{now.isoformat()}",
    )


async def _guard(asset: Asset, now: datetime) -> bool:
    """Holds the asset for review when its text reads like an advert; True if held."""
    reason = guard.promotion_reason(asset.title, asset.description)
    if reason is None:
        return False
    await Asset.filter(id=asset.id).update(status=S.HELD, held_reason=reason, held_at=now)
    await asset.refresh_from_db()
    return True


async def _has_commitments(asset: Asset, now: datetime) -> bool:
    hub = asset.hub_id
    if await GiveawayRequest.exists(
        hub_id=hub, asset_id=asset.id, status=GiveawayRequestStatus.CHOSEN
    ):
        return True
    if await Loan.exists(hub_id=hub, asset_id=asset.id, status__in=list(DATES_HOLDING)):
        return True
    waiting = [BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]
    return await Booking.exists(hub_id=hub, asset_id=asset.id, status__in=waiting, ends_at__gt=now)


def _owner(actor: Actor, organisation_id: int | None, for_hub: bool) -> dict[str, Any]:
    if organisation_id is not None and for_hub:
        raise DomainError(E.INVALID, _("List for an organisation or for the hub, not both."), None)
    if for_hub:
        return {"owner_kind": OwnerKind.HUB}
    if organisation_id is not None:
        return {"owner_kind": OwnerKind.ORGANISATION, "owner_organisation_id": organisation_id}
    return {"owner_kind": OwnerKind.MEMBER, "owner_member_id": actor.member_id}


async def _check_owner(actor: Actor, owner: dict[str, Any]) -> None:
    if owner["owner_kind"] == OwnerKind.HUB and not actor.has_role(
        Role.HUB_ADMIN, Role.ASSET_MANAGER
    ):
        raise DomainError(
            E.FORBIDDEN, _("Only hub admins and asset managers list the hub's assets."), "forHub"
        )
    organisation_id = owner.get("owner_organisation_id")
    if organisation_id is not None and not await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    ):
        raise DomainError(
            E.FORBIDDEN, _("You do not belong to this organisation."), "organisationId"
        )


async def _check_category(actor: Actor, category_id: int | None) -> None:
    if category_id is not None and not await AssetCategory.exists(
        id=category_id, hub_id=actor.hub_id
    ):
        raise DomainError(E.INVALID, _("No such asset category in this hub."), "assetCategoryId")


def _require_status(asset: Asset, *allowed: AssetStatus) -> None:
    if asset.status not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise DomainError(
            E.INVALID_TRANSITION,
            _(
                "The asset is {value}; this needs it {names}.",
                value=asset.status.value,
                names=names,
            ),
        )


def _defaults(row: dict[str, Any]) -> dict[str, Any]:
    """The would-be row of a new asset, for the cross-field rules."""
    return {"audience": None, "required_checks": [], **row}


def _require_fields(fields: dict[str, Any]) -> None:
    missing = [
        DomainError(E.INVALID, _("This field is required."), camel)
        for name, camel in REQUIRED_ON_CREATE.items()
        if fields.get(name) is None
    ]
    if missing:
        raise DomainErrors(missing)
