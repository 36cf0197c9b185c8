"""createAsset: list something to give away, lend or book, as a draft or at once."""

import strawberry

from app.assets import service
from app.assets.errors import AssetErrorCode
from app.assets.errors import AssetErrorCode as E
from schema.assets.inputs import NewAssetFieldsInput, to_fields
from schema.assets.mutations.payloads import AssetPayload
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class CreateAssetInput:
    fields: NewAssetFieldsInput
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="List it for this organisation (you must belong to it)."
    )
    for_hub: bool = strawberry.field(
        default=False,
        description="List it as the hub's own (public assets): hub admins and asset managers.",
    )
    publish: bool = strawberry.field(default=False, description="List it at once.")


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def create_asset(input: CreateAssetInput, info: Info) -> AssetPayload:
    """Lists an asset: yours, an organisation's you belong to, or the hub's. Listing at once
    may hold it for moderator review instead (see heldReason)."""
    organisation_id = (
        decode_id(input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
        if input.organisation_id is not None
        else None
    )
    asset = await service.create_asset(
        actor=info.context.require_actor(),
        fields=to_fields(input.fields),
        organisation_id=organisation_id,
        for_hub=input.for_hub,
        publish=input.publish,
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]
