"""GraphQL types of notifications."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.assets.models import Asset as AssetModel
from app.assets.models import WantedNotice as WantedNoticeModel
from app.i18n import stored
from app.matching.explain import notification_reason, notification_title
from app.matching.models import Delivery as DeliveryEnum
from app.matching.models import Notification as NotificationModel
from app.matching.models import NotificationKind as NotificationKindEnum
from app.matching.models import SavedSearch as SavedSearchModel
from app.opportunities.models import Opportunity as OpportunityModel
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.assets.types import Asset, WantedNotice
    from schema.opportunities.types import Opportunity

LazyOpportunity = Annotated["Opportunity", strawberry.lazy("schema.opportunities.types")]
LazyAsset = Annotated["Asset", strawberry.lazy("schema.assets.types")]
LazyWantedNotice = Annotated["WantedNotice", strawberry.lazy("schema.assets.types")]
NotificationKind = strawberry.enum(NotificationKindEnum, name="NotificationKind")
NotificationDelivery = strawberry.enum(DeliveryEnum, name="NotificationDelivery")


@orm_node(NotificationModel)
@strawberry.type(name="Notification", description="Something the member was told, and why.")
class Notification(relay.Node):
    id: relay.NodeID[int]
    kind: NotificationKind  # type: ignore[valid-type]

    @strawberry.field(
        description="What it is about, in your language (or `locale`: en-GB, it, es); an"
        " opportunity's or item's own title as its poster wrote it."
    )
    def title(self, root: NotificationModel, locale: str | None = None) -> str:
        with stored.reading(locale):
            return notification_title(root)

    @strawberry.field(
        description="Why it was sent, e.g. 'you know first aid, 1.2 km away', in your language"
        " (or `locale`: en-GB, it, es)."
    )
    def reason(self, root: NotificationModel, locale: str | None = None) -> str:
        with stored.reading(locale):
            return notification_reason(root)

    delivery: NotificationDelivery  # type: ignore[valid-type]
    read_at: datetime | None
    created_at: datetime

    @strawberry.field
    async def opportunity(self, root: NotificationModel, info: Info) -> LazyOpportunity | None:
        if root.opportunity_id is None:
            return None
        return await info.context.loaders.by_id(OpportunityModel).load(root.opportunity_id)  # type: ignore[return-value]

    @strawberry.field(description="The shared asset it is about (giveaways, WANTED matches).")
    async def asset(self, root: NotificationModel, info: Info) -> LazyAsset | None:
        if root.asset_id is None:
            return None
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]

    @strawberry.field(description="Your WANTED notice the asset fits (kind WANTED_MATCH).")
    async def wanted_notice(self, root: NotificationModel, info: Info) -> LazyWantedNotice | None:
        if root.wanted_notice_id is None:
            return None
        return await info.context.loaders.by_id(WantedNoticeModel).load(root.wanted_notice_id)  # type: ignore[return-value]


@orm_node(SavedSearchModel)
@strawberry.type(name="SavedSearch", description="A kept search: new matches notify you.")
class SavedSearch(relay.Node):
    id: relay.NodeID[int]
    name: str
    text: str
    within_km: float | None
    weekdays: list[int]
    created_at: datetime
