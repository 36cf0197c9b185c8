"""updateImpactFactor: a hub admin changes the numbers of an asset category's impact."""

import strawberry

from app.assets import impact_factors
from app.assets.errors import AssetErrorCode
from schema.assets.factor_types import ImpactFactorPayload, impact_factor_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input(description="The numbers to change (left out: unchanged), and their source.")
class UpdateImpactFactorInput:
    impact_factor_id: strawberry.ID
    item_weight_kg: float | None = strawberry.field(
        default=None, description="An item's weight when its listing gives none, 0-100,000 kg."
    )
    co2e_kg_per_kg: float | None = strawberry.field(
        default=None, description="kg CO2e avoided per kg reused, 0-1,000."
    )
    value_per_item_minor: int | None = None
    value_per_hour_minor: int | None = None
    currency: str | None = strawberry.field(default=None, description="ISO 4217, e.g. EUR.")
    loan_share_pct: int | None = strawberry.field(default=None, description="0-100.")
    source: str | None = strawberry.field(
        default=None,
        description="Where the numbers come from (required with any number): shown with them.",
    )


@errors_as_data(AssetError, AssetErrorCode, ImpactFactorPayload)
async def update_impact_factor(input: UpdateImpactFactorInput, info: Info) -> ImpactFactorPayload:
    """Changes the factor for future shares (recorded ones keep their numbers); hub admins."""
    changes = {
        "item_weight_g": input.item_weight_kg,
        "co2e_g_per_kg": input.co2e_kg_per_kg,
        "value_minor_per_item": input.value_per_item_minor,
        "value_minor_per_hour": input.value_per_hour_minor,
        "loan_share_pct": input.loan_share_pct,
        "currency": input.currency,
        "source": input.source,
    }
    factor = await impact_factors.update_factor(
        actor=info.context.require_actor(),
        factor_id=impact_factor_id(input.impact_factor_id),
        changes=changes,
    )
    return ImpactFactorPayload(impact_factor=factor)  # type: ignore[arg-type]
