"""Asset queries: search, the assets you manage, the asset categories, WANTED notices."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.assets import lists, search
from app.assets.errors import AssetErrorCode as E
from app.assets.models import AssetCategory as AssetCategoryModel
from schema.assets.types import (
    Asset,
    AssetCategory,
    AssetKind,
    AssetOwnerKind,
    AssetStatus,
    WantedNotice,
    WantedNoticeStatus,
)
from schema.context import Info
from schema.opportunities.inputs import LocationInput
from schema.relay import Page, decode_id

AssetSort = strawberry.enum(search.Sort, name="AssetSort")


@strawberry.input(description="A time range [startsAt, endsAt).")
class TimeRangeInput:
    starts_at: datetime
    ends_at: datetime


@strawberry.input(description="Every given filter must match.")
class AssetFilter:
    text: str | None = strawberry.field(default=None, description='Words, "phrases", -not.')
    kind: AssetKind | None = None  # type: ignore[valid-type]
    asset_category_ids: list[strawberry.ID] | None = None
    near: LocationInput | None = None
    near_home: bool = strawberry.field(default=False, description="Measure from your home.")
    within_km: float | None = None
    owner_kind: AssetOwnerKind | None = None  # type: ignore[valid-type]
    owner_organisation_id: strawberry.ID | None = None
    free: TimeRangeInput | None = strawberry.field(
        default=None,
        description="Bookable assets that could be booked for exactly this range: no booking"
        " overlaps it, it fits one opening window of its local day (the hub's time zone), the"
        " length limits and the notice.",
    )


def _ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[int]:
    return [decode_id(v, type_name, field=field, invalid=E.INVALID) for v in values or []]


def _filters(data: AssetFilter | None) -> search.Filters:
    data = data or AssetFilter()
    organisation = data.owner_organisation_id
    return search.Filters(
        text=data.text,
        kind=data.kind,
        category_ids=_ids(data.asset_category_ids, "AssetCategory", "assetCategoryIds"),
        near=(data.near.lat, data.near.lng) if data.near else None,
        within_km=data.within_km,
        owner_kind=data.owner_kind,
        owner_organisation_id=(
            decode_id(organisation, "Organisation", field="ownerOrganisationId", invalid=E.INVALID)
            if organisation is not None
            else None
        ),
        free=(data.free.starts_at, data.free.ends_at) if data.free else None,
    )


@strawberry.type
class AssetQueries:
    @relay.connection(Page[Asset], description="Listed assets of the hub.")  # type: ignore[misc]
    def assets(
        self,
        info: Info,
        filter: AssetFilter | None = None,
        sort: AssetSort = search.Sort.NEWEST,  # type: ignore[valid-type, assignment]
    ) -> Iterable[Asset]:
        hub_id = info.context.hub_id
        if hub_id is None:
            return []
        return search.search(  # type: ignore[return-value]
            hub_id=hub_id,
            filters=_filters(filter),
            sort=sort,
            actor=info.context.actor,
            near_home=bool(filter and filter.near_home),
        )

    @relay.connection(  # type: ignore[misc]
        Page[Asset],
        description="Assets you manage, newest first: your own, your organisations', and the"
        " hub's if you are a hub admin or asset manager.",
    )
    async def my_assets(
        self,
        info: Info,
        status: AssetStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Asset]:
        return await lists.managed_assets(viewer=info.context.viewer, status=status)  # type: ignore[return-value]

    @relay.connection(Page[AssetCategory], description="The hub's asset categories.")  # type: ignore[misc]
    def asset_categories(self, info: Info) -> Iterable[AssetCategory]:
        if info.context.hub_id is None:
            return []
        return AssetCategoryModel.filter(hub_id=info.context.hub_id).order_by("name", "id")  # type: ignore[return-value]

    @relay.connection(Page[WantedNotice], description="Open WANTED notices, newest first.")  # type: ignore[misc]
    def wanted_notices(
        self,
        info: Info,
        asset_category_ids: list[strawberry.ID] | None = None,
        kind: AssetKind | None = None,  # type: ignore[valid-type]
    ) -> Iterable[WantedNotice]:
        if info.context.hub_id is None:
            return []
        category_ids = _ids(asset_category_ids, "AssetCategory", "assetCategoryIds")
        return lists.open_wanted_notices(  # type: ignore[return-value]
            hub_id=info.context.hub_id, category_ids=category_ids, kind=kind
        )

    @relay.connection(Page[WantedNotice], description="Your WANTED notices, newest first.")  # type: ignore[misc]
    async def my_wanted_notices(
        self,
        info: Info,
        status: WantedNoticeStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[WantedNotice]:
        return await lists.wanted_notices_of(viewer=info.context.viewer, status=status)  # type: ignore[return-value]
