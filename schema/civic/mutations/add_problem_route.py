"""addProblemRoute: an organisation takes a category's reports in an area."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import categories
from schema.civic.mutations.payloads import ProblemCategoryPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class AddProblemRouteInput:
    problem_category_id: strawberry.ID
    organisation_id: strawberry.ID
    cells: list[str] = strawberry.field(
        default_factory=list,
        description="H3 cells of resolution 7 where it takes them; none: the whole hub.",
    )


@errors_as_data(CivicError, E, ProblemCategoryPayload)
async def add_problem_route(input: AddProblemRouteInput, info: Info) -> ProblemCategoryPayload:
    """Reports no route takes go to the council (members with the COUNCIL role)."""
    actor = info.context.require_actor()
    category_id = required_id(input.problem_category_id, "ProblemCategory", "problemCategoryId")
    route = await categories.add_route(
        actor=actor,
        category_id=category_id,
        organisation_id=required_id(input.organisation_id, "Organisation", "organisationId"),
        cells=input.cells,
    )
    category = await categories.category_of(actor.hub_id, route.category_id)
    return ProblemCategoryPayload(category=category)  # type: ignore[arg-type]
