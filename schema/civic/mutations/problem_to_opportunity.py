"""problemToOpportunity: the responsible body asks volunteers to fix a report."""

from datetime import datetime

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import status
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ProblemToOpportunityInput:
    problem_report_id: strawberry.ID
    category_id: strawberry.ID = strawberry.field(description="The opportunity's Category.")
    title: str
    starts_at: datetime
    places: int = 10


@errors_as_data(CivicError, E, ProblemReportPayload)
async def problem_to_opportunity(
    input: ProblemToOpportunityInput, info: Info
) -> ProblemReportPayload:
    """Posts a request for volunteers at the report's public place (through the opportunities
    service, for the responsible organisation if there is one), once (ALREADY_DONE)."""
    report = await status.to_opportunity(
        actor=info.context.require_actor(),
        report_id=required_id(input.problem_report_id, "ProblemReport", "problemReportId"),
        fields={
            "title": input.title,
            "category_id": required_id(input.category_id, "Category", "categoryId"),
            "starts_at": input.starts_at,
            "places": input.places,
        },
    )
    return ProblemReportPayload(report=report)  # type: ignore[arg-type]
