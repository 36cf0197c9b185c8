"""followProblem: be told about a report's updates."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import reports
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class FollowProblemInput:
    problem_report_id: strawberry.ID


@errors_as_data(CivicError, E, ProblemReportPayload)
async def follow_problem(input: FollowProblemInput, info: Info) -> ProblemReportPayload:
    report = await reports.follow(
        actor=info.context.require_actor(),
        report_id=required_id(input.problem_report_id, "ProblemReport", "problemReportId"),
    )
    return ProblemReportPayload(report=report)  # type: ignore[arg-type]
