"""GraphQL types of the impact factor table (app/assets/impact_models.ImpactFactor)."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.assets.errors import AssetErrorCode
from app.assets.impact_models import ImpactFactor as ImpactFactorModel
from app.assets.models import AssetCategory as AssetCategoryModel
from schema.assets.types import AssetCategory, AssetError
from schema.context import Info
from schema.relay import decode_id, orm_node


@orm_node(ImpactFactorModel)
@strawberry.type(
    name="ImpactFactor",
    description="How much one completed share in an asset category counts, and where the"
    " numbers come from. Hub admins edit them; each share keeps the numbers it was counted with.",
)
class ImpactFactor(relay.Node):
    id: relay.NodeID[int]
    currency: str = strawberry.field(description="ISO 4217 code of the money values.")
    loan_share_pct: int = strawberry.field(
        description="The share (%) of a new item's weight, CO2e and value one loan counts."
    )
    source: str = strawberry.field(description="The published source of the numbers.")
    updated_at: datetime

    @strawberry.field(description="An item's weight when its listing gives none, in kg.")
    def item_weight_kg(self, root: ImpactFactorModel) -> float:
        return root.item_weight_g / 1000

    @strawberry.field(description="kg CO2e avoided per kg reused instead of made new.")
    def co2e_kg_per_kg(self, root: ImpactFactorModel) -> float:
        return root.co2e_g_per_kg / 1000

    @strawberry.field(
        description="What a receiver saves by not buying one new, in minor units (pence)."
    )
    def value_per_item_minor(self, root: ImpactFactorModel) -> int:
        return root.value_minor_per_item

    @strawberry.field(
        description="What an hour's hire elsewhere costs (bookables), in minor units."
    )
    def value_per_hour_minor(self, root: ImpactFactorModel) -> int:
        return root.value_minor_per_hour

    @strawberry.field
    async def category(self, root: ImpactFactorModel, info: Info) -> AssetCategory:
        return await info.context.loaders.by_id(AssetCategoryModel).load(root.category_id)  # type: ignore[return-value]


@strawberry.type
class ImpactFactorPayload:
    impact_factor: ImpactFactor | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


def impact_factor_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "ImpactFactor", field="impactFactorId", invalid=AssetErrorCode.INVALID)
