"""The impact of a completed share, recorded once: `record_impact(cause)`.

Every flow that completes a share calls it, in the transaction that completes it:
- a giveaway handed over (both sides confirmed): `record_impact(giveaway_request)`;
- a loan returned (both sides confirmed, any dispute resolved): `record_impact(loan)`;
- a booking checked out: `record_impact(booking)`;
- a share recorded off the site, once its other side confirmed: `record_impact(share)`.

It writes one ImpactRecord per cause (a unique constraint per cause column; a second call for
the same cause writes nothing and returns None), with the numbers of the asset category's
ImpactFactor as they are now (app/assets/impact_models.py; defaults and their sources in
app/assets/categories.py):
- weight of one unit: the listing's `weight_g`, else the factor's `item_weight_g`;
- a giveaway counts its whole weight, CO2e and value per unit, times the units given;
- a loan counts `loan_share_pct` per cent of one unit (a loan replaces part of a purchase);
- a booking counts the hours booked times `value_minor_per_hour`, and no weight: a room (or a
  3D printer's hour) diverts nothing from landfill;
- grams of CO2e = grams diverted * `co2e_g_per_kg` / 1000. Integers, rounded down.
The owner side comes from the asset, the receiver from the cause (a member and, when they
acted for one, their organisation).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from tortoise import Tortoise

from app.assets.impact_models import ImpactFactor, ImpactRecord
from app.assets.models import Asset, AssetKind
from app.assets.sharing_models import Booking, GiveawayRequest, Loan, OffSiteShare

Cause = GiveawayRequest | Loan | Booking | OffSiteShare
_CAUSE_COLUMN = {
    GiveawayRequest: "giveaway_request_id",
    Loan: "loan_id",
    Booking: "booking_id",
    OffSiteShare: "off_site_share_id",
}


@dataclass(frozen=True)
class Numbers:
    quantity: int = 0
    minutes: int = 0
    diverted_g: int = 0
    co2e_g: int = 0
    value_minor: int = 0
    currency: str = "GBP"


def compute(
    *,
    kind: AssetKind,
    quantity: int,
    minutes: int,
    unit_weight_g: int | None,
    factor: ImpactFactor | None,
) -> Numbers:
    """What a share of `kind` (quantity units, or minutes for a booking) counts."""
    if factor is None:
        return Numbers(quantity=quantity, minutes=minutes)
    weight = factor.item_weight_g if unit_weight_g is None else unit_weight_g
    if kind == AssetKind.BOOKABLE:
        value = minutes * factor.value_minor_per_hour // 60
        return Numbers(quantity, minutes, 0, 0, value, factor.currency)
    share = 100 if kind == AssetKind.GIVEAWAY else factor.loan_share_pct
    diverted = quantity * weight * share // 100
    return Numbers(
        quantity=quantity,
        minutes=0,
        diverted_g=diverted,
        co2e_g=diverted * factor.co2e_g_per_kg // 1000,
        value_minor=quantity * factor.value_minor_per_item * share // 100,
        currency=factor.currency,
    )


def _receiver(cause: Cause) -> tuple[int | None, int | None]:
    if isinstance(cause, GiveawayRequest):
        return cause.requester_id, cause.requester_organisation_id
    if isinstance(cause, Loan):
        return cause.borrower_id, cause.borrower_organisation_id
    if isinstance(cause, Booking):
        return cause.booker_id, cause.booker_organisation_id
    return cause.receiver_member_id, cause.receiver_organisation_id


def _shape(cause: Cause, asset: Asset) -> tuple[AssetKind, int, int]:
    """(kind, quantity, minutes) of the share."""
    if isinstance(cause, GiveawayRequest):
        return AssetKind.GIVEAWAY, cause.quantity, 0
    if isinstance(cause, Loan):
        return AssetKind.LOAN, 1, 0
    if isinstance(cause, Booking):
        return AssetKind.BOOKABLE, 0, int((cause.ends_at - cause.starts_at).total_seconds() // 60)
    return cause.kind, cause.quantity, 0


def _when(cause: Cause) -> datetime | None:
    if isinstance(cause, GiveawayRequest):
        return cause.handed_over_at
    if isinstance(cause, Loan):
        return cause.returned_at
    if isinstance(cause, Booking):
        return cause.checked_out_at or cause.ends_at
    return datetime.combine(cause.occurred_on, time(12), tzinfo=UTC)


async def record_impact(cause: Cause, *, at: datetime | None = None) -> ImpactRecord | None:
    """Records what the completed share `cause` diverted and saved, once.

    Call it in the transaction that completes the share (the caller holds the cause's row
    lock). `at` is when it happened (default: the cause's handover, return, check-out or
    off-site date). Returns the new record, or None when the cause has one already.
    """
    asset = await Asset.get(id=cause.asset_id, hub_id=cause.hub_id)
    factor = await ImpactFactor.get_or_none(hub_id=cause.hub_id, category_id=asset.category_id)
    kind, quantity, minutes = _shape(cause, asset)
    numbers = compute(
        kind=kind,
        quantity=quantity,
        minutes=minutes,
        unit_weight_g=asset.weight_g,
        factor=factor,
    )
    receiver_member, receiver_organisation = _receiver(cause)
    row: dict[str, Any] = {
        "hub_id": cause.hub_id,
        _CAUSE_COLUMN[type(cause)]: cause.id,
        "asset_id": asset.id,
        "category_id": asset.category_id,
        "factor_id": factor.id if factor else None,
        "quantity": numbers.quantity,
        "minutes": numbers.minutes,
        "diverted_g": numbers.diverted_g,
        "co2e_g": numbers.co2e_g,
        "value_minor": numbers.value_minor,
        "currency": numbers.currency,
        "owner_kind": asset.owner_kind.value,
        "owner_member_id": asset.owner_member_id,
        "owner_organisation_id": asset.owner_organisation_id,
        "receiver_member_id": receiver_member,
        "receiver_organisation_id": receiver_organisation,
        "occurred_at": at or _when(cause) or datetime.now(UTC),
    }
    columns = ", ".join(row)
    values = ", ".join(f"${n}" for n in range(1, len(row) + 1))
    # A second call for the same cause meets its unique constraint: nothing written.
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"INSERT INTO impact_record ({columns}, created_at) VALUES ({values}, now())"
        " ON CONFLICT DO NOTHING RETURNING id",
        list(row.values()),
    )
    if not rows:
        return None
    return await ImpactRecord.get(id=rows[0]["id"])
