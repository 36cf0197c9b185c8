"""City data reads (analysts and hub admins): aggregates, gaps, trends, wards, the data
dictionary. Bad input is a top-level error with extensions.code and extensions.field:
INVALID (a resolution out of range, a period upside down or too long), NOT_FOUND (an area
that is not a cell of the resolution, or not one of the hub's wards)."""

import strawberry

from app.citydata import aggregates, gaps, policy, wards
from schema.citydata.types import (
    CityDataAnswer,
    CityDataDictionary,
    CityDataInput,
    CityGapsAnswer,
    CityTrendsAnswer,
    CityWard,
)
from schema.context import Info


@strawberry.type
class CityDataQueries:
    @strawberry.field(
        description="Demand and supply, credits, shared assets and trials by area, period and"
        " dimension, k-suppressed (analysts and hub admins). Also as CSV or JSON:"
        " GET /citydata/export.csv or /citydata/export.json. Errors (extensions.code):"
        " FORBIDDEN, INVALID, NOT_FOUND."
    )
    async def city_data(self, info: Info, input: CityDataInput) -> CityDataAnswer:
        found = await aggregates.answer(viewer=info.context.viewer, **input.question())
        return CityDataAnswer.of(found)

    @strawberry.field(
        description="Areas where requests outnumber offers and skilled volunteers over the"
        " window, most first (areaBy CELL or WARD; metrics and byDimension are ignored)."
    )
    async def city_gaps(self, info: Info, input: CityDataInput) -> CityGapsAnswer:
        found = await gaps.gaps(viewer=info.context.viewer, **input.question())
        return CityGapsAnswer.of(found)

    @strawberry.field(
        description="Each metric hub-wide over time, with the change from the period before"
        " (areaBy, areas and byDimension are ignored)."
    )
    async def city_trends(self, info: Info, input: CityDataInput) -> CityTrendsAnswer:
        found = await gaps.trends(viewer=info.context.viewer, **input.question())
        return CityTrendsAnswer.of(found)

    @strawberry.field(description="The hub's wards (uploaded by hub admins).")
    async def city_wards(self, info: Info) -> list[CityWard]:
        hub_id = policy.require_reader(info.context.viewer)
        return [CityWard.of(w) for w in await wards.wards(hub_id=hub_id)]

    @strawberry.field(description="What the columns and the metrics of city data mean.")
    def city_data_dictionary(self, info: Info) -> CityDataDictionary:
        policy.require_reader(info.context.viewer)
        return CityDataDictionary.build()
