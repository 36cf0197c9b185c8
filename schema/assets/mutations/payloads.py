"""Payloads shared by the asset and WANTED notice mutations."""

import strawberry

from app.assets.errors import AssetErrorCode as E
from schema.assets.types import Asset, AssetError, WantedNotice
from schema.relay import decode_id


@strawberry.type
class AssetPayload:
    asset: Asset | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


@strawberry.type
class WantedNoticePayload:
    wanted_notice: WantedNotice | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


def asset_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Asset", field="assetId", invalid=E.INVALID)


def wanted_notice_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "WantedNotice", field="wantedNoticeId", invalid=E.INVALID)
