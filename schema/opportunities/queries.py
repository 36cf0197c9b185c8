"""Opportunity queries: search, the recommended feed, the viewer's own lists, categories."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.opportunities import feed, search
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Application as ApplicationModel
from app.opportunities.models import Category as CategoryModel
from app.opportunities.models import Opportunity as OpportunityModel
from app.policy import visible
from schema.context import Info
from schema.opportunities.inputs import LocationInput
from schema.opportunities.types import (
    Application,
    ApplicationStatus,
    Category,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Urgency,
)
from schema.relay import Page, decode_id

OpportunitySort = strawberry.enum(search.Sort, name="OpportunitySort")


@strawberry.input(description="Every given filter must match.")
class OpportunityFilter:
    text: str | None = strawberry.field(default=None, description='Words, "phrases", -not.')
    category_ids: list[strawberry.ID] | None = None
    skill_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Needs at least one of these skills."
    )
    kind: OpportunityKind | None = None  # type: ignore[valid-type]
    near: LocationInput | None = None
    near_home: bool = strawberry.field(default=False, description="Measure from your home.")
    within_km: float | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    organisation_id: strawberry.ID | None = None
    urgency: Urgency | None = None  # type: ignore[valid-type]


def _filters(data: OpportunityFilter | None) -> search.Filters:
    data = data or OpportunityFilter()

    def ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[int]:
        return [decode_id(v, type_name, field=field, invalid=E.INVALID) for v in values or []]

    return search.Filters(
        text=data.text,
        category_ids=ids(data.category_ids, "Category", "categoryIds"),
        skill_ids=ids(data.skill_ids, "Skill", "skillIds"),
        kind=data.kind,
        near=(data.near.lat, data.near.lng) if data.near else None,
        within_km=data.within_km,
        starts_after=data.starts_after,
        starts_before=data.starts_before,
        organisation_id=(
            decode_id(
                data.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
            )
            if data.organisation_id
            else None
        ),
        urgency=data.urgency,
    )


@strawberry.type
class OpportunityQueries:
    @relay.connection(Page[Opportunity], description="Open opportunities of the hub.")  # type: ignore[misc]
    def opportunities(
        self,
        info: Info,
        filter: OpportunityFilter | None = None,
        sort: OpportunitySort = search.Sort.NEWEST,  # type: ignore[valid-type, assignment]
    ) -> Iterable[Opportunity]:
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
        Page[Opportunity],
        description="Open opportunities suited to you: your skills, home, availability, checks.",
    )
    async def recommended_opportunities(self, info: Info) -> Iterable[Opportunity]:
        return await feed.recommended(actor=info.context.require_actor())  # type: ignore[return-value]

    @relay.connection(Page[Opportunity], description="What you posted, newest first.")  # type: ignore[misc]
    async def my_opportunities(
        self,
        info: Info,
        status: OpportunityStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Opportunity]:
        viewer = info.context.viewer
        mine = OpportunityModel.filter(hub_id=viewer.hub_id, poster_id=viewer.member_id)
        query = await visible(viewer, "Opportunity", mine)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @relay.connection(Page[Application], description="Your applications, newest first.")  # type: ignore[misc]
    async def my_applications(
        self,
        info: Info,
        status: ApplicationStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Application]:
        viewer = info.context.viewer
        mine = ApplicationModel.filter(hub_id=viewer.hub_id, applicant_id=viewer.member_id)
        query = await visible(viewer, "Application", mine)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @relay.connection(Page[Category], description="The hub's opportunity categories.")  # type: ignore[misc]
    def categories(self, info: Info) -> Iterable[Category]:
        if info.context.hub_id is None:
            return []
        return CategoryModel.filter(hub_id=info.context.hub_id).order_by("name", "id")  # type: ignore[return-value]
