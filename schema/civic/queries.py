"""Civic reads: settings, problem categories, reports, near-duplicates before posting."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.civic.area import settings_of
from app.civic.errors import CivicErrorCode as E
from app.civic.ideas import service as ideas
from app.civic.problems import lists, reports
from app.civic.problems.models import ProblemStatus as ProblemStatusEnum
from app.civic.sensors import devices, layer
from app.errors import DomainError
from app.hubs.models import Hub
from schema.civic.idea_types import Idea
from schema.civic.sensor_types import EnvironmentCell, SensorDevice
from schema.civic.types import CivicSettings, ProblemCategory, ProblemReport, ProblemStatus
from schema.context import Info
from schema.errors import BadInput
from schema.relay import Page, decode_id


@strawberry.type
class CivicQueries:
    @strawberry.field(description="The hub's civic area and the rules of ideas.")
    async def civic_settings(self, info: Info) -> CivicSettings | None:
        hub_id = info.context.viewer.hub_id
        if hub_id is None:
            return None
        return CivicSettings.of(await settings_of(hub_id))

    @relay.connection(Page[ProblemCategory], description="The hub's problem categories.")  # type: ignore[misc]
    async def problem_categories(self, info: Info) -> Iterable[ProblemCategory]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        return await lists.categories(viewer=viewer)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[ProblemReport], description="The hub's problem reports, newest first."
    )
    async def problem_reports(
        self,
        info: Info,
        status: ProblemStatus | None = None,  # type: ignore[valid-type]
        problem_category_id: strawberry.ID | None = None,
        organisation_id: strawberry.ID | None = None,
    ) -> Iterable[ProblemReport]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        category = (
            decode_id(problem_category_id, "ProblemCategory", field="problemCategoryId",
                      invalid=E.INVALID)
            if problem_category_id is not None else None
        )  # fmt: skip
        organisation = (
            decode_id(organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
            if organisation_id is not None
            else None
        )
        return await lists.reports(  # type: ignore[return-value]
            viewer=viewer,
            status=ProblemStatusEnum(status) if status is not None else None,
            category_id=category,
            organisation_id=organisation,
        )

    @strawberry.field(
        description="Reports of the same category within 250 m posted in the last week and not"
        ' closed, nearest first (at most 10): offer "me too" on them before posting.'
    )
    async def similar_problems(
        self, info: Info, problem_category_id: strawberry.ID, lat: float, lng: float
    ) -> list[ProblemReport]:
        actor = info.context.require_actor()
        try:
            category = decode_id(
                problem_category_id, "ProblemCategory", field="problemCategoryId",
                invalid=E.INVALID,
            )  # fmt: skip
            return await reports.similar_problems(  # type: ignore[return-value]
                hub_id=actor.hub_id, category_id=category, location=(lat, lng)
            )
        except DomainError as exc:
            raise BadInput(exc.message) from exc

    @relay.connection(Page[Idea], description="The hub's ideas, newest first.")  # type: ignore[misc]
    async def ideas(self, info: Info) -> Iterable[Idea]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        return await ideas.ideas(viewer=viewer)  # type: ignore[return-value]

    @relay.connection(
        Page[SensorDevice], description="Your sensor devices and your organisations'."
    )  # type: ignore[misc]
    async def my_sensor_devices(self, info: Info) -> Iterable[SensorDevice]:
        info.context.require_actor()
        return await devices.my_devices(viewer=info.context.viewer)  # type: ignore[return-value]

    @strawberry.field(
        description="The environmental map layer: averages per ~5 km² cell over the last"
        " `hours` hours (1-168), cells of fewer than the hub's k owners withheld."
    )
    async def environment_layer(self, info: Info, hours: int = 24) -> list[EnvironmentCell]:
        hub_id = info.context.viewer.hub_id
        if hub_id is None:
            return []
        try:
            found = await layer.layer(hub=await Hub.get(id=hub_id), hours=hours)
        except DomainError as exc:
            raise BadInput(exc.message) from exc
        return [EnvironmentCell.of(c) for c in found]
