"""createWantedNotice: say what you are looking for."""

from datetime import datetime

import strawberry

from app.assets import wanted
from app.assets.errors import AssetErrorCode
from app.assets.errors import AssetErrorCode as E
from schema.assets.mutations.payloads import WantedNoticePayload
from schema.assets.types import AssetError, AssetKind
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import LocationInput
from schema.relay import decode_id


@strawberry.input
class CreateWantedNoticeInput:
    title: str
    asset_category_id: strawberry.ID
    location: LocationInput = strawberry.field(
        description="Where you would collect from: only you see it; others see its area."
    )
    description: str = ""
    kind: AssetKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The kind you want; null: any."
    )
    area_name: str = ""
    within_km: int = strawberry.field(default=5, description="How far you would travel, 1-50.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="For this organisation (you must belong to it)."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="Within a year; 60 days when left out."
    )


@errors_as_data(AssetError, AssetErrorCode, WantedNoticePayload)
async def create_wanted_notice(input: CreateWantedNoticeInput, info: Info) -> WantedNoticePayload:
    """Posts a WANTED notice; a listing in its category within its reach is announced to you."""
    notice = await wanted.create_notice(
        actor=info.context.require_actor(),
        title=input.title,
        category_id=decode_id(
            input.asset_category_id, "AssetCategory", field="assetCategoryId", invalid=E.INVALID
        ),
        location=(input.location.lat, input.location.lng),
        description=input.description,
        kind=input.kind,
        area_name=input.area_name,
        within_km=input.within_km,
        organisation_id=(
            decode_id(
                input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
            )
            if input.organisation_id is not None
            else None
        ),
        expires_at=input.expires_at,
    )
    return WantedNoticePayload(wanted_notice=notice)  # type: ignore[arg-type]
