"""Hub admins edit their hub's impact factors (app/assets/impact_models.ImpactFactor): the
numbers future impact records are computed with (records keep the numbers they were made
with). Every change says where its numbers come from (`source`)."""

import math
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets.errors import AssetErrorCode as E
from app.assets.impact_models import ImpactFactor
from app.assets.impact_policy import FACTOR_EDITORS
from app.audit import service as audit
from app.errors import DomainError, DomainErrors
from app.i18n import _
from app.policy import Viewer

# column -> (API field, unit factor from the API's unit to the column's, highest API value)
NUMBERS: dict[str, tuple[str, int, float]] = {
    "item_weight_g": ("itemWeightKg", 1000, 100_000.0),  # up to 100 t an item
    "co2e_g_per_kg": ("co2eKgPerKg", 1000, 1000.0),  # kg CO2e avoided per kg reused
    "value_minor_per_item": ("valuePerItemMinor", 1, 100_000_000.0),
    "value_minor_per_hour": ("valuePerHourMinor", 1, 100_000_000.0),
    "loan_share_pct": ("loanSharePct", 1, 100.0),
}


def clean(changes: dict[str, Any]) -> dict[str, Any]:
    """Column values of the given changes (numbers in the API's units), or every problem."""
    row: dict[str, Any] = {}
    problems = []
    for column, (name, unit, highest) in NUMBERS.items():
        value = changes.get(column)
        if value is None:
            continue
        if not math.isfinite(value) or not 0 <= value <= highest:
            problems.append(
                DomainError(E.INVALID, _("Between 0 and {highest:g}.", highest=highest), name)
            )
            continue
        row[column] = round(value * unit)
    if changes.get("currency") is not None:
        currency = changes["currency"].strip().upper()
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            problems.append(DomainError(E.INVALID, _("An ISO 4217 code, e.g. GBP."), "currency"))
        row["currency"] = currency
    if changes.get("source") is not None:
        try:
            row["source"] = v.text(
                changes["source"], field="source", max_length=500, invalid=E.INVALID
            )
        except DomainError as exc:
            problems.append(exc)
    if problems:
        raise DomainErrors(problems)
    if set(row) & set(NUMBERS) and "source" not in row:
        raise DomainError(E.INVALID, _("Say where the new numbers come from."), "source")
    return row


async def update_factor(*, actor: Actor, factor_id: int, changes: dict[str, Any]) -> ImpactFactor:
    """Changes the given numbers (and their source) of one of the hub's factors; hub admins."""
    if not await FACTOR_EDITORS.allows(Viewer.of(actor)):
        raise DomainError(E.FORBIDDEN, _("Only hub admins edit impact factors."), None)
    row = clean(changes)
    async with in_transaction():
        factor = (
            await ImpactFactor.filter(id=factor_id, hub_id=actor.hub_id).select_for_update().first()
        )
        if factor is None:
            raise DomainError(E.NOT_FOUND, _("No such impact factor."), "impactFactorId")
        before = {column: getattr(factor, column) for column in row}
        if row:
            await ImpactFactor.filter(id=factor.id).update(
                **row,
                updated_by_id=actor.member_id,
                updated_at=datetime.now(UTC),
            )
            await factor.refresh_from_db()
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="impact_factor.update",
            object_type="ImpactFactor",
            object_id=factor.id,
            data={"before": before, "after": row},
        )
    return factor
