"""submitTrialReport and editTrialReport: a tester's one report, editable until the window
closes; the first submission earns the trial's reward."""

import strawberry

from app.trials import reports
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.trials.mutations.payloads import TrialReportPayload, trial_id
from schema.trials.types import TrialError


@strawberry.input
class TrialReportInput:
    trial_id: strawberry.ID
    ratings: list[int] = strawberry.field(description="One per dimension, in order, each 1-5.")
    comment: str = ""
    answers: list[str] = strawberry.field(default_factory=list)
    photos: list[str] = strawberry.field(default_factory=list, description="http(s) URLs.")
    share_identity: bool = strawberry.field(
        default=False, description="Show your name with your comment to the business."
    )


def _given(input: TrialReportInput) -> reports.ReportInput:
    return reports.ReportInput(
        ratings=input.ratings,
        comment=input.comment,
        answers=input.answers,
        photos=input.photos,
        share_identity=input.share_identity,
    )


@errors_as_data(TrialError, E, TrialReportPayload)
async def submit_trial_report(input: TrialReportInput, info: Info) -> TrialReportPayload:
    """Your report (selected testers); the trial's credits are earned once, now."""
    report = await reports.submit_report(
        actor=info.context.require_actor(), trial_id=trial_id(input.trial_id), given=_given(input)
    )
    return TrialReportPayload(report=report)  # type: ignore[arg-type]


@errors_as_data(TrialError, E, TrialReportPayload)
async def edit_trial_report(input: TrialReportInput, info: Info) -> TrialReportPayload:
    """Changes your report until the window closes."""
    report = await reports.edit_report(
        actor=info.context.require_actor(), trial_id=trial_id(input.trial_id), given=_given(input)
    )
    return TrialReportPayload(report=report)  # type: ignore[arg-type]
