"""reportProblem: a member reports a problem at a place in the hub's area."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import reports
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import LocationInput


@strawberry.input
class ReportProblemInput:
    problem_category_id: strawberry.ID
    location: LocationInput
    description: str
    photo_urls: list[str] = strawberry.field(default_factory=list)
    show_exact_place: bool = strawberry.field(
        default=False, description="Show the exact place publicly (else it is rounded)."
    )
    address: str = ""


@errors_as_data(CivicError, E, ProblemReportPayload)
async def report_problem(input: ReportProblemInput, info: Info) -> ProblemReportPayload:
    """OUTSIDE_AREA: the place is outside the hub's area; NO_AREA: the hub has set none.
    Ask similarProblems first and offer meTooProblem instead of a duplicate."""
    actor = info.context.require_actor()
    created = await reports.report_problem(
        actor=actor,
        category_id=required_id(input.problem_category_id, "ProblemCategory", "problemCategoryId"),
        location=(input.location.lat, input.location.lng),
        description=input.description,
        photo_urls_=input.photo_urls,
        show_exact_place=input.show_exact_place,
        address=input.address,
    )
    return ProblemReportPayload(report=created)  # type: ignore[arg-type]
