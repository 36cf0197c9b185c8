"""withdrawAsset: take an asset down."""

import strawberry

from app.assets import service
from app.assets.errors import AssetErrorCode
from schema.assets.mutations.payloads import AssetPayload, asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class WithdrawAssetInput:
    asset_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def withdraw_asset(input: WithdrawAssetInput, info: Info) -> AssetPayload:
    """Takes the asset down (HAS_COMMITMENTS while a handover, loan or booking is agreed or
    under way)."""
    asset = await service.withdraw_asset(
        actor=info.context.require_actor(), asset_id=asset_id(input.asset_id)
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]
