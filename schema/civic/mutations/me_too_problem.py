"""meTooProblem: "I have this problem too", instead of a duplicate report."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import reports
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class MeTooProblemInput:
    problem_report_id: strawberry.ID


@errors_as_data(CivicError, E, ProblemReportPayload)
async def me_too_problem(input: MeTooProblemInput, info: Info) -> ProblemReportPayload:
    """Once per member (ALREADY_DONE); not on your own report (OWN_REPORT). You follow it."""
    report = await reports.me_too(
        actor=info.context.require_actor(),
        report_id=required_id(input.problem_report_id, "ProblemReport", "problemReportId"),
    )
    return ProblemReportPayload(report=report)  # type: ignore[arg-type]
