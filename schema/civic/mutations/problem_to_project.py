"""problemToProject: the responsible body starts a community project for a report."""

from datetime import datetime

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import projects
from schema.civic.mutations.payloads import ProblemReportPayload, required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ProblemToProjectInput:
    problem_report_id: strawberry.ID
    title: str
    target: int = strawberry.field(description="Credits the project needs.")
    deadline: datetime


@errors_as_data(CivicError, E, ProblemReportPayload)
async def problem_to_project(input: ProblemToProjectInput, info: Info) -> ProblemReportPayload:
    """A draft community project (a campaign of kind PROJECT, opened with openCampaign) whose
    story is the report's description, owned by the responsible organisation if there is one;
    once per report (ALREADY_DONE). Campaign input errors come back with their own codes."""
    report = await projects.to_project(
        actor=info.context.require_actor(),
        report_id=required_id(input.problem_report_id, "ProblemReport", "problemReportId"),
        title=input.title,
        target=input.target,
        deadline=input.deadline,
    )
    return ProblemReportPayload(report=report)  # type: ignore[arg-type]
