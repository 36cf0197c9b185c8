"""Shares made off the site ("a substantial proportion of transactions are happening off the
site"): the owner side records a past giveaway or loan of one of its assets to a named member
or organisation of the hub; it counts (an impact record, the profiles' totals) only once the
other side confirms it, and the other side may decline it instead (it did not happen).

Recording a share changes nothing about the listing: an owner who gave the item away off the
site withdraws the listing as usual.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets import notices
from app.assets.access import get_asset, require_manager
from app.assets.errors import AssetErrorCode as E
from app.assets.giveaway_policy import OWNER_SIDE, RECEIVER_SIDE
from app.assets.impact import record_impact
from app.assets.models import Asset, AssetKind
from app.assets.sharing_models import OffSiteShare, ShareStatus
from app.assets.validation import MAX_QUANTITY
from app.audit import service as audit
from app.errors import DomainError, ErrorBag
from app.hubs.models import Hub
from app.i18n import _
from app.matching.models import NotificationKind as K
from app.organisations.models import Organisation, OrganisationMember
from app.organisations.policy import MANAGERS
from app.people.models import Member, MemberStatus
from app.policy import Viewer

# How far back a share may be recorded.
MAX_AGE = timedelta(days=5 * 366)
SHARE_KINDS = (AssetKind.GIVEAWAY, AssetKind.LOAN)


async def record_share(
    *,
    actor: Actor,
    asset_id: int,
    kind: AssetKind,
    occurred_on: date,
    receiver_member_id: int | None = None,
    receiver_organisation_id: int | None = None,
    quantity: int = 1,
    note: str = "",
) -> OffSiteShare:
    """The owner side records a giveaway or loan made off the site to a member or an
    organisation of the hub (never to itself); it waits for the other side's confirmation."""
    now = datetime.now(UTC)
    async with in_transaction():
        asset = await get_asset(actor, asset_id)
        await require_manager(actor, asset)
        hub = await Hub.get(id=actor.hub_id)
        note = _check(
            kind=kind,
            occurred_on=occurred_on,
            today=now.astimezone(ZoneInfo(hub.timezone)).date(),
            receivers=(receiver_member_id, receiver_organisation_id),
            quantity=quantity,
            note=note,
        )
        await _check_receiver(actor, asset, receiver_member_id, receiver_organisation_id)
        share = await OffSiteShare.create(
            hub_id=actor.hub_id,
            asset_id=asset.id,
            kind=kind,
            recorded_by_id=actor.member_id,
            receiver_member_id=receiver_member_id,
            receiver_organisation_id=receiver_organisation_id,
            quantity=quantity,
            occurred_on=occurred_on,
            note=note,
        )
        told = await notices.tell(
            hub_id=actor.hub_id,
            member_ids=await _receivers(actor.hub_id, receiver_member_id, receiver_organisation_id),
            kind=K.OFF_SITE_SHARE,
            asset_id=asset.id,
            now=now,
            asset=asset.title,
            owner=actor.member.display_name,
            what=notices.SHARE_WHAT[kind.value],
            day=occurred_on.isoformat(),
        )
        await _audit(actor, share, "offsite.record")
    await notices.announce(told)
    return share


async def shares_of(*, actor: Actor, status: ShareStatus | None = None) -> QuerySet[OffSiteShare]:
    """Shares the actor's side recorded or received (as themselves or through their
    organisations), newest first."""
    viewer = Viewer.of(actor)
    query = OffSiteShare.filter(hub_id=actor.hub_id).filter(
        await (OWNER_SIDE | RECEIVER_SIDE).q(viewer)
    )
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-created_at", "-id")


async def confirm_share(*, actor: Actor, share_id: int) -> OffSiteShare:
    """The receiving side confirms the share, once: from now on it counts."""
    now = datetime.now(UTC)
    async with in_transaction():
        share = await _received(actor, share_id)
        if share.status == ShareStatus.CONFIRMED:
            raise DomainError(E.ALREADY_CONFIRMED, _("This share is confirmed already."))
        _require_pending(share)
        await OffSiteShare.filter(id=share.id).update(
            status=ShareStatus.CONFIRMED, answered_at=now, answered_by_id=actor.member_id
        )
        await share.refresh_from_db()
        await record_impact(share)
        await _audit(actor, share, "offsite.confirm")
    return share


async def decline_share(*, actor: Actor, share_id: int) -> OffSiteShare:
    """The receiving side says the share did not happen: it never counts."""
    now = datetime.now(UTC)
    async with in_transaction():
        share = await _received(actor, share_id)
        _require_pending(share)
        await OffSiteShare.filter(id=share.id).update(
            status=ShareStatus.DECLINED, answered_at=now, answered_by_id=actor.member_id
        )
        await share.refresh_from_db()
        await _audit(actor, share, "offsite.decline")
    return share


def _check(
    *,
    kind: AssetKind,
    occurred_on: date,
    today: date,
    receivers: tuple[int | None, int | None],
    quantity: int,
    note: str,
) -> str:
    bag = ErrorBag()
    if kind not in SHARE_KINDS:
        bag.add(E.INVALID, _("Record a GIVEAWAY or a LOAN."), "kind")
    if occurred_on > today:
        bag.add(E.INVALID, _("Record shares that happened: not a future day."), "occurredOn")
    elif occurred_on < today - MAX_AGE:
        bag.add(E.INVALID, _("At most five years ago."), "occurredOn")
    if sum(r is not None for r in receivers) != 1:
        bag.add(E.INVALID, _("Name a member or an organisation (one of them)."), "receiverMemberId")
    with bag.catch():
        v.int_range(quantity, field="quantity", low=1, high=MAX_QUANTITY, invalid=E.INVALID)
    with bag.catch():
        note = v.text(note, field="note", max_length=500, invalid=E.INVALID, required=False)
    bag.raise_if_any()
    return note


async def _check_receiver(
    actor: Actor, asset: Asset, member_id: int | None, organisation_id: int | None
) -> None:
    """The receiver exists in the hub and is not the owner side itself."""
    if member_id is not None:
        if not await Member.exists(id=member_id, hub_id=actor.hub_id, status=MemberStatus.ACTIVE):
            raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "receiverMemberId")
        owner_staff = asset.owner_organisation_id is not None and await OrganisationMember.exists(
            hub_id=actor.hub_id, organisation_id=asset.owner_organisation_id, member_id=member_id
        )
        if member_id in (actor.member_id, asset.owner_member_id) or owner_staff:
            raise DomainError(
                E.OWN_ASSET, _("Record shares with someone else."), "receiverMemberId"
            )
    if organisation_id is not None:
        if not await Organisation.exists(id=organisation_id, hub_id=actor.hub_id):
            raise DomainError(
                E.NOT_FOUND, _("No such organisation in this hub."), "receiverOrganisationId"
            )
        if organisation_id == asset.owner_organisation_id:
            raise DomainError(
                E.OWN_ASSET, _("Record shares with someone else."), "receiverOrganisationId"
            )


async def _receivers(hub_id: int, member_id: int | None, organisation_id: int | None) -> list[int]:
    """Who is asked to confirm: the member, or the organisation's owners and admins."""
    if member_id is not None:
        return [member_id]
    managers = OrganisationMember.filter(
        hub_id=hub_id, organisation_id=organisation_id, role__in=list(MANAGERS)
    )
    return sorted(await managers.values_list("member_id", flat=True))  # type: ignore[arg-type]


async def _received(actor: Actor, share_id: int) -> OffSiteShare:
    """The share, locked, if the actor is on its receiving side."""
    share = await OffSiteShare.filter(id=share_id, hub_id=actor.hub_id).select_for_update().first()
    if share is None:
        raise DomainError(E.NOT_FOUND, _("No such share."), "offSiteShareId")
    if not await RECEIVER_SIDE.allows(Viewer.of(actor), share):
        raise DomainError(E.FORBIDDEN, _("Only the share's receiving side answers it."))
    return share


def _require_pending(share: OffSiteShare) -> None:
    if share.status != ShareStatus.PENDING:
        raise DomainError(
            E.INVALID_TRANSITION, _("The share is {value} already.", value=share.status.value)
        )


async def _audit(actor: Actor, share: OffSiteShare, action: str) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="OffSiteShare",
        object_id=share.id,
    )
