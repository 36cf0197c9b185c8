"""updateProblemStatus: the responsible body moves a report along."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import status
from app.civic.problems.models import ProblemStatus as ProblemStatusEnum
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError, ProblemStatus
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class UpdateProblemStatusInput:
    problem_report_id: strawberry.ID
    status: ProblemStatus  # type: ignore[valid-type]
    note: str = strawberry.field(default="", description="Required when closing: the reason.")


@errors_as_data(CivicError, E, ProblemReportPayload)
async def update_problem_status(
    input: UpdateProblemStatusInput, info: Info
) -> ProblemReportPayload:
    """Only the responsible body (the organisation that takes it, or the council).
    BAD_TRANSITION, REASON_REQUIRED. The reporter and followers are notified."""
    report = await status.update_status(
        actor=info.context.require_actor(),
        report_id=required_id(input.problem_report_id, "ProblemReport", "problemReportId"),
        status=ProblemStatusEnum(input.status),
        note=input.note,
    )
    return ProblemReportPayload(report=report)  # type: ignore[arg-type]
