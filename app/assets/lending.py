"""What bookings and loans share: the credits that carry a price or a deposit, the owner side's
account they go to, the slot's times, and telling the two sides apart.

Credits. A price or a deposit is a ledger hold (app/credits/ledger.py) on the member who books
or borrows, towards the asset's owner side: its member, its organisation, or for the hub's own
assets the hub's PUBLIC_ASSETS account. A hold is posted (the credits move) or voided (they are
released) by the flow that settles it, in the transaction that changes the booking or loan; the
row keeps the hold's id, and the hold's reference ("booking:<id>", "loan:<id>:deposit",
"loan:<id>:price") is unique in the hub, so nothing is held or posted twice. These holds never
expire by themselves (no `hold_expires_at`): the flows and the cron jobs of
app/assets/housekeeping.py settle every one, and a hold the credits housekeeping voided on its
own would leave a booking that believes it is paid for.
"""

from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from app.actor import Actor
from app.assets import rules
from app.assets.audience import check_audience
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetKind, AssetStatus, OwnerKind
from app.assets.rules import MAX_HORIZON
from app.credits import ledger
from app.credits.errors import CreditsErrorCode
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.errors import DomainError, DomainErrors
from app.i18n import _
from app.policy import Rule, Viewer

# What a member reads, in one place (no gettext catalogue yet: DESIGN.md "Languages").
TEXTS = {
    "no_zone": _("Give a time zone (UTC offset)."),
    "end_first": _("The end must be after the start."),
    "in_past": _("It would start in the past."),
    "too_far": _("At most two years ahead."),
    "too_long": _("At most {days} days."),
    "own_asset": _("This is your own side's asset."),
    "not_party": _("Only the two sides of this {what} can do this."),
    "status": _("The {what} is {status}; this needs it {allowed}."),
}


def check_times(
    starts: datetime, ends: datetime, now: datetime, *, fields: tuple[str, str], longest: timedelta
) -> None:
    """A slot in the future, ending after it starts, within the horizon and `longest`."""
    start_field, end_field = fields
    if starts.tzinfo is None or ends.tzinfo is None:
        raise DomainError(E.INVALID, TEXTS["no_zone"], start_field)
    if ends <= starts:
        raise DomainError(E.INVALID, TEXTS["end_first"], end_field)
    if starts < now:
        raise DomainError(E.IN_PAST, TEXTS["in_past"], start_field)
    if starts > now + MAX_HORIZON:
        raise DomainError(E.INVALID, TEXTS["too_far"], start_field)
    if ends - starts > longest:
        raise DomainError(E.TOO_LONG, TEXTS["too_long"].format(days=longest.days), end_field)


async def require_not_own(
    actor: Actor, asset: Asset, organisation_id: int | None, manages: Rule
) -> None:
    """OWN_ASSET when the actor (or the organisation they act for) is the asset's owner side."""
    if await manages.allows(Viewer.of(actor), asset) or (
        organisation_id is not None and organisation_id == asset.owner_organisation_id
    ):
        raise DomainError(E.OWN_ASSET, TEXTS["own_asset"], "assetId")


async def agreeable_asset(
    *,
    actor: Actor,
    asset_id: int,
    kind: AssetKind,
    starts: datetime,
    ends: datetime,
    now: datetime,
    organisation_id: int | None,
    manages: Rule,
    unavailable: str,
    fields: dict[str, str],
) -> Asset:
    """The listed asset of this kind, locked by rules.load, once the actor may use it for
    [starts, ends) and the owner's rules hold. Inside the caller's transaction."""
    found = await rules.load(
        hub_id=actor.hub_id, asset_id=asset_id, starts=starts, ends=ends, now=now
    )
    if found is None:
        raise DomainError(E.NOT_FOUND, _("No such asset."), "assetId")
    asset, broken = found
    if asset.kind != kind or asset.status != AssetStatus.LISTED:
        raise DomainError(E.NOT_AVAILABLE, unavailable, "assetId")
    await require_not_own(actor, asset, organisation_id, manages)
    await check_audience(actor, asset, organisation_id)
    if broken:
        raise DomainErrors(rules.failures(asset, broken, fields))
    return asset


async def side_of(actor: Actor, row: Any, *, owner: Rule, other: Rule, what: str) -> bool:
    """True for the owner side, False for the other side; FORBIDDEN for anyone else. Someone
    on both sides acts for the owner side (one person never completes both halves)."""
    viewer = Viewer.of(actor)
    if await owner.allows(viewer, row):
        return True
    if await other.allows(viewer, row):
        return False
    raise DomainError(E.FORBIDDEN, TEXTS["not_party"].format(what=what))


def require_status(row: Any, *allowed: Any, what: str) -> None:
    if row.status not in allowed:
        raise DomainError(
            E.INVALID_TRANSITION,
            TEXTS["status"].format(
                what=what, status=row.status.value, allowed=", ".join(s.value for s in allowed)
            ),
        )


def constraint_of(exc: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError broke (asyncpg tells it)."""
    cause = exc.args[0] if exc.args else None
    return getattr(cause, "constraint_name", None)


async def lock_asset(actor: Actor, asset_id: int) -> Asset:
    """The asset, locked FOR NO KEY UPDATE until the caller's transaction ends: its owner side
    cannot withdraw it or change its rules meanwhile, and its bookings and loans are agreed one
    at a time, so that the exclusion constraints answer SLOT_TAKEN rather than a deadlock
    (app/assets/rules.load)."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT id FROM asset WHERE id = $1 AND hub_id = $2 FOR NO KEY UPDATE",
        [asset_id, actor.hub_id],
    )
    if not rows:
        raise DomainError(E.NOT_FOUND, _("No such asset."), "assetId")
    return await Asset.get(id=asset_id)


async def owner_account(asset: Asset) -> Account:
    """Where the credits of the asset's bookings and loans go."""
    if asset.owner_kind == OwnerKind.MEMBER:
        assert asset.owner_member_id is not None
        return await ledger.member_account(asset.hub_id, asset.owner_member_id)
    if asset.owner_kind == OwnerKind.ORGANISATION:
        assert asset.owner_organisation_id is not None
        return await ledger.organisation_account(asset.hub_id, asset.owner_organisation_id)
    return await ledger.system_account(asset.hub_id, SystemAccount.PUBLIC_ASSETS)


async def hold(
    *,
    asset: Asset,
    payer_id: int,
    amount: int,
    kind: TransferKind,
    reference: str,
    memo: str,
) -> Transfer:
    """Holds `amount` on the payer towards the owner side (never expiring: see the module's
    note); INSUFFICIENT_CREDITS when the payer cannot cover it."""
    try:
        return await ledger.hold(
            source=await ledger.member_account(asset.hub_id, payer_id),
            destination=await owner_account(asset),
            amount=amount,
            kind=kind,
            memo=memo[:280],
            reference=reference,
            initiated_by=payer_id,
        )
    except DomainError as exc:
        if exc.code == CreditsErrorCode.INSUFFICIENT_CREDITS:
            raise DomainError(E.INSUFFICIENT_CREDITS, exc.message, None) from exc
        raise


async def settle(transfer_id: int | None, *, post: bool) -> None:
    """Posts or voids a hold; one that is settled already is left as it is."""
    if transfer_id is None:
        return
    status = await Transfer.filter(id=transfer_id).values_list("status", flat=True)
    if status and status[0] != TransferStatus.PENDING:
        return
    await (ledger.post_hold if post else ledger.void_hold)(transfer_id)


def price_for(per_hour: int, minutes: int) -> int:
    """A booking's price: credits per hour for its minutes, a started credit counted whole."""
    return (per_hour * minutes + 59) // 60
