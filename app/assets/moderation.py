"""Reviewing what the promotions guard held (app/assets/guard.py): moderators and hub admins
(the policy's REVIEWERS) list the held assets, oldest first, and approve or reject each.

Approving lists the asset as if the guard had passed it (LISTED, `listed_at` now, the
`asset.listed` event); rejecting makes it REJECTED with a note its owner side reads (it may
edit the listing and publish it again, which asks the guard again).
"""

from datetime import UTC, datetime

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.assets.access import get_asset
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetStatus
from app.assets.policy import REVIEWERS
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.policy import Viewer

MAX_NOTE = 500


def held_assets(*, actor: Actor) -> QuerySet[Asset]:
    """The hub's held assets, held longest first (the asset_held_queue index)."""
    _require_reviewer(actor)
    return Asset.filter(hub_id=actor.hub_id, status=AssetStatus.HELD).order_by("held_at", "id")


async def approve_asset(*, actor: Actor, asset_id: int, note: str = "") -> Asset:
    """Lists a held asset: it is not an advert after all."""
    _require_reviewer(actor)
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, required=False)
    now = datetime.now(UTC)
    async with in_transaction():
        asset = await _held(actor, asset_id)
        await Asset.filter(id=asset.id).update(
            status=AssetStatus.LISTED,
            listed_at=now,
            held_reason="",
            held_at=None,
            reviewed_by_id=actor.member_id,
            reviewed_at=now,
            review_note=note,
        )
        await events.emit(
            "asset.listed",
            {"asset_id": asset.id, "listed_at": now.isoformat()},
            key=f"{asset.id}:{now.isoformat()}",
        )
        await _audit(actor, asset, "asset.approve")
        await asset.refresh_from_db()
    return asset


async def reject_asset(*, actor: Actor, asset_id: int, note: str) -> Asset:
    """Rejects a held asset with a note its owner side reads (why, and what to change)."""
    _require_reviewer(actor)
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, multiline=True)
    now = datetime.now(UTC)
    async with in_transaction():
        asset = await _held(actor, asset_id)
        await Asset.filter(id=asset.id).update(
            status=AssetStatus.REJECTED,
            reviewed_by_id=actor.member_id,
            reviewed_at=now,
            review_note=note,
        )
        await _audit(actor, asset, "asset.reject")
        await asset.refresh_from_db()
    return asset


def _require_reviewer(actor: Actor) -> None:
    if not REVIEWERS.quick(Viewer.of(actor), None):
        raise DomainError(E.FORBIDDEN, _("Only moderators and hub admins review listings."))


async def _held(actor: Actor, asset_id: int) -> Asset:
    asset = await get_asset(actor, asset_id, lock=True)
    if asset.status != AssetStatus.HELD:
        raise DomainError(
            E.INVALID_TRANSITION,
            _("The asset is {value}, not held for review.", value=asset.status.value),
        )
    return asset


async def _audit(actor: Actor, asset: Asset, action: str) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="Asset",
        object_id=asset.id,
    )
