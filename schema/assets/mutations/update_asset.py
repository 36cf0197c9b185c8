"""updateAsset: change the given fields of an asset."""

import strawberry

from app.assets import service
from app.assets.errors import AssetErrorCode
from schema.assets.inputs import AssetFieldsInput, to_fields
from schema.assets.mutations.payloads import AssetPayload, asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class UpdateAssetInput:
    asset_id: strawberry.ID
    fields: AssetFieldsInput


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def update_asset(input: UpdateAssetInput, info: Info) -> AssetPayload:
    """The owner side changes the given fields (the kind only while a draft); a listed asset
    whose text now reads like an advert is held for review."""
    asset = await service.update_asset(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id),
        fields=to_fields(input.fields),
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]
