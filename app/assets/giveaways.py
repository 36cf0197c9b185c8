"""Giveaways: ask for an item, the owner side chooses among the requests, both sides confirm
the handover, and the item is rehomed (or its quantity drops while units remain).

A request (GiveawayRequestStatus) is PENDING, then CHOSEN by the owner side, then HANDED_OVER
once both sides confirmed; before either side confirms, the owner side may decline it and the
requester withdraw it.

Units: `Asset.quantity` counts the units still free to choose. Choosing reserves units with one
conditional UPDATE (`quantity >= n`; the asset's CHECK keeps it at 0 or more whatever happens);
declining or withdrawing a chosen request gives them back. When both sides have confirmed, the
request's impact is recorded once (app/assets/impact.record_impact) and `giveaway.rehomed` is
emitted; when no unit is left and no chosen request waits for its handover, the asset is
REHOMED and the requests still pending are declined and their requesters told.

Locks: every use case here locks the asset row first, then the request's row. One order, so no
two of them ever wait for each other in a circle (a handover that rehomes the asset also
declines the other requests).
"""

from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.assets import notices
from app.assets.access import get_asset
from app.assets.audience import check_audience
from app.assets.errors import AssetErrorCode as E
from app.assets.giveaway_policy import OWNER_SIDE, REQUEST_READERS, REQUESTER_SIDE
from app.assets.impact import record_impact
from app.assets.models import Asset, AssetKind, AssetStatus
from app.assets.policy import MANAGES
from app.assets.sharing_models import GiveawayRequest
from app.assets.sharing_models import GiveawayRequestStatus as R
from app.assets.validation import MAX_QUANTITY
from app.audit import service as audit
from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.matching.models import NotificationKind as K
from app.policy import Rule, Viewer

MAX_MESSAGE = 2000
# Reserves units of a listed giveaway; no row: fewer are left (or it is no longer listed).
_RESERVE = (
    "UPDATE asset SET quantity = quantity - $3, updated_at = now()"
    " WHERE id = $1 AND hub_id = $2 AND kind = 'giveaway' AND status = 'listed'"
    " AND quantity >= $3 RETURNING quantity"
)
_RELEASE = (
    "UPDATE asset SET quantity = quantity + $3, updated_at = now() WHERE id = $1 AND hub_id = $2"
)


async def requests_for(
    *, actor: Actor, asset_id: int, status: R | None = None
) -> QuerySet[GiveawayRequest]:
    """The requests for an asset, oldest first: for its owner side (to choose) and
    moderators. NOT_FOUND: no such asset in the hub; FORBIDDEN: not the owner side."""
    asset = await get_asset(actor, asset_id)
    if not await REQUEST_READERS.allows(Viewer.of(actor), asset):
        raise AccessDenied(_("Only the asset's owner side sees its requests."))
    query = GiveawayRequest.filter(hub_id=actor.hub_id, asset_id=asset.id)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("created_at", "id")


def requests_of(*, actor: Actor, status: R | None = None) -> QuerySet[GiveawayRequest]:
    """The actor's own requests, newest first."""
    query = GiveawayRequest.filter(hub_id=actor.hub_id, requester_id=actor.member_id)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-created_at", "-id")


async def request_item(
    *,
    actor: Actor,
    asset_id: int,
    message: str = "",
    quantity: int = 1,
    organisation_id: int | None = None,
) -> GiveawayRequest:
    """Asks for a listed giveaway (for yourself, or for an organisation you belong to): once
    per member and item, never your own, within the item's audience."""
    message = v.text(
        message,
        field="message",
        max_length=MAX_MESSAGE,
        invalid=E.INVALID,
        required=False,
        multiline=True,
    )
    v.int_range(quantity, field="quantity", low=1, high=MAX_QUANTITY, invalid=E.INVALID)
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            asset = await get_asset(actor, asset_id, lock=True)
            if asset.kind != AssetKind.GIVEAWAY or asset.status != AssetStatus.LISTED:
                raise DomainError(E.NOT_AVAILABLE, _("This is not a listed giveaway."), "assetId")
            if await MANAGES.allows(Viewer.of(actor), asset) or (
                organisation_id is not None and organisation_id == asset.owner_organisation_id
            ):
                raise DomainError(E.OWN_ASSET, _("This item is your own."), "assetId")
            await check_audience(actor, asset, organisation_id)
            if await GiveawayRequest.exists(
                hub_id=actor.hub_id, asset_id=asset.id, requester_id=actor.member_id
            ):
                raise DomainError(
                    E.ALREADY_REQUESTED, _("You have asked for it already."), "assetId"
                )
            if quantity > asset.quantity:
                raise DomainError(
                    E.NOTHING_LEFT, _("Only {quantity} left.", quantity=asset.quantity), "quantity"
                )
            request = await GiveawayRequest.create(
                hub_id=actor.hub_id,
                asset_id=asset.id,
                requester_id=actor.member_id,
                requester_organisation_id=organisation_id,
                message=message,
                quantity=quantity,
            )
            told = await notices.tell(
                hub_id=actor.hub_id,
                member_ids=[asset.listed_by_id],
                kind=K.GIVEAWAY_REQUESTED,
                asset_id=asset.id,
                now=now,
                asset=asset.title,
                requester=actor.member.display_name,
            )
            await _audit(actor, request, "giveaway.request")
    except IntegrityError as exc:  # the unique constraint backs up the check under the lock
        if "giveaway_request_once_uniq" not in str(exc):
            raise
        raise DomainError(
            E.ALREADY_REQUESTED, _("You have asked for it already."), "assetId"
        ) from exc
    await notices.announce(told)
    return request


async def choose_request(
    *, actor: Actor, request_id: int, quantity: int | None = None
) -> GiveawayRequest:
    """The owner side chooses a pending request, reserving its units (or `quantity` of the
    units asked for): the requester now sees the place and contact."""
    now = datetime.now(UTC)
    async with in_transaction():
        asset, request = await _locked(actor, request_id)
        await _require(OWNER_SIDE, actor, request, _("Only the item's owner side chooses."))
        _require_status(request, R.PENDING)
        units = request.quantity
        if quantity is not None:
            units = v.int_range(
                quantity, field="quantity", low=1, high=request.quantity, invalid=E.INVALID
            )
        if asset.status != AssetStatus.LISTED:
            raise DomainError(
                E.NOT_AVAILABLE, _("The item is {value}.", value=asset.status.value), None
            )
        if not await _reserve(asset, units):
            raise DomainError(
                E.NOTHING_LEFT, _("Only {quantity} left.", quantity=asset.quantity), "quantity"
            )
        await GiveawayRequest.filter(id=request.id).update(
            status=R.CHOSEN, quantity=units, decided_at=now
        )
        told = await notices.tell(
            hub_id=actor.hub_id,
            member_ids=[request.requester_id],
            kind=K.GIVEAWAY_CHOSEN,
            asset_id=asset.id,
            now=now,
            asset=asset.title,
        )
        await _audit(actor, request, "giveaway.choose", units=units)
        await request.refresh_from_db()
    await notices.announce(told)
    return request


async def decline_request(*, actor: Actor, request_id: int) -> GiveawayRequest:
    """The owner side declines a request (a chosen one gives its units back) before either
    side confirmed the handover."""
    now = datetime.now(UTC)
    async with in_transaction():
        asset, request = await _locked(actor, request_id)
        await _require(OWNER_SIDE, actor, request, _("Only the item's owner side declines."))
        _require_open(request)
        if request.status == R.CHOSEN:
            await _release(asset, request.quantity)
        await GiveawayRequest.filter(id=request.id).update(status=R.DECLINED, decided_at=now)
        told = await notices.tell(
            hub_id=actor.hub_id,
            member_ids=[request.requester_id],
            kind=K.GIVEAWAY_DECLINED,
            asset_id=asset.id,
            now=now,
            asset=asset.title,
            why=notices.DECLINED_BY_OWNER,
        )
        await _audit(actor, request, "giveaway.decline")
        await request.refresh_from_db()
    await notices.announce(told)
    return request


async def withdraw_request(*, actor: Actor, request_id: int) -> GiveawayRequest:
    """The requester's side withdraws a request (a chosen one gives its units back) before
    either side confirmed the handover."""
    async with in_transaction():
        asset, request = await _locked(actor, request_id)
        await _require(REQUESTER_SIDE, actor, request, _("Only the requester's side withdraws."))
        _require_open(request)
        if request.status == R.CHOSEN:
            await _release(asset, request.quantity)
        await GiveawayRequest.filter(id=request.id).update(status=R.WITHDRAWN)
        await _audit(actor, request, "giveaway.withdraw")
        await request.refresh_from_db()
    return request


async def confirm_handover(*, actor: Actor, request_id: int) -> GiveawayRequest:
    """One side confirms that the chosen item changed hands, once. With both sides'
    confirmations the units are rehomed: the impact is recorded, `giveaway.rehomed` emitted,
    and the asset REHOMED when nothing is left to give."""
    now = datetime.now(UTC)
    told: list[tuple[int, int]] = []
    async with in_transaction():
        asset, request = await _locked(actor, request_id)
        viewer = Viewer.of(actor)
        # Someone on both sides (staff of the owner and of the requesting organisation)
        # confirms for the owner side: one person never completes a handover alone.
        owner_side = await OWNER_SIDE.allows(viewer, request)
        if not owner_side and not await REQUESTER_SIDE.allows(viewer, request):
            raise DomainError(E.FORBIDDEN, _("Only the two sides confirm a handover."))
        mine = request.owner_confirmed_at if owner_side else request.receiver_confirmed_at
        if mine is not None:
            raise DomainError(E.ALREADY_CONFIRMED, _("Your side confirmed this handover already."))
        _require_status(request, R.CHOSEN)
        other = request.receiver_confirmed_at if owner_side else request.owner_confirmed_at
        changes: dict[str, object] = (
            {"owner_confirmed_at": now, "owner_confirmed_by_id": actor.member_id}
            if owner_side
            else {"receiver_confirmed_at": now}
        )
        if other is not None:
            changes |= {"status": R.HANDED_OVER, "handed_over_at": now}
        await GiveawayRequest.filter(id=request.id).update(**changes)
        await request.refresh_from_db()
        if other is not None:
            await record_impact(request, at=now)
            await events.emit(
                "giveaway.rehomed", {"giveaway_request_id": request.id}, key=str(request.id)
            )
            told = await _rehome_if_gone(asset, now)
        await _audit(actor, request, "giveaway.confirm", side="owner" if owner_side else "receiver")
    await notices.announce(told)
    return request


async def _rehome_if_gone(asset: Asset, now: datetime) -> list[tuple[int, int]]:
    """REHOMED when no unit is left and no chosen request waits; the pending requests are
    declined and their requesters told. Returns the notifications stored."""
    if asset.quantity > 0 or asset.status not in (AssetStatus.LISTED, AssetStatus.HELD):
        return []
    if await GiveawayRequest.exists(hub_id=asset.hub_id, asset_id=asset.id, status=R.CHOSEN):
        return []
    await Asset.filter(id=asset.id).update(status=AssetStatus.REHOMED, rehomed_at=now)
    pending = GiveawayRequest.filter(hub_id=asset.hub_id, asset_id=asset.id, status=R.PENDING)
    requester_ids = list(await pending.values_list("requester_id", flat=True))
    await pending.update(status=R.DECLINED, decided_at=now)
    return await notices.tell(
        hub_id=asset.hub_id,
        member_ids=requester_ids,  # type: ignore[arg-type]
        kind=K.GIVEAWAY_DECLINED,
        asset_id=asset.id,
        now=now,
        asset=asset.title,
        why=notices.FOUND_A_HOME,
    )


async def _locked(actor: Actor, request_id: int) -> tuple[Asset, GiveawayRequest]:
    """The request's asset and the request, locked in that order (see the module's note)."""
    found = await GiveawayRequest.get_or_none(id=request_id, hub_id=actor.hub_id)
    if found is None:
        raise DomainError(E.NOT_FOUND, _("No such giveaway request."), "giveawayRequestId")
    asset = await get_asset(actor, found.asset_id, lock=True)
    request = await GiveawayRequest.select_for_update().get(id=found.id, hub_id=actor.hub_id)
    return asset, request


async def _reserve(asset: Asset, units: int) -> bool:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _RESERVE, [asset.id, asset.hub_id, units]
    )
    return bool(rows)


async def _release(asset: Asset, units: int) -> None:
    await Tortoise.get_connection("default").execute_query(
        _RELEASE, [asset.id, asset.hub_id, units]
    )


async def _require(rule: Rule, actor: Actor, request: GiveawayRequest, message: str) -> None:
    if not await rule.allows(Viewer.of(actor), request):
        raise DomainError(E.FORBIDDEN, message)


def _require_status(request: GiveawayRequest, *allowed: R) -> None:
    if request.status not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise DomainError(
            E.INVALID_TRANSITION,
            _(
                "The request is {value}; this needs it {names}.",
                value=request.status.value,
                names=names,
            ),
        )


def _require_open(request: GiveawayRequest) -> None:
    _require_status(request, R.PENDING, R.CHOSEN)
    if request.owner_confirmed_at or request.receiver_confirmed_at:
        raise DomainError(
            E.INVALID_TRANSITION, _("The handover is being confirmed: it cannot be undone.")
        )


async def _audit(actor: Actor, request: GiveawayRequest, action: str, **data: object) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="GiveawayRequest",
        object_id=request.id,
        data=data or None,
    )
