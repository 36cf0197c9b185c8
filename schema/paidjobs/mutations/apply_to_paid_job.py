"""applyToPaidJob, decideJobApplication, withdrawJobApplication."""

import strawberry

from app.paidjobs import applications
from app.paidjobs.errors import PaidJobErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.paidjobs.mutations.payloads import JobApplicationPayload, application_id, job_id
from schema.paidjobs.types import JobApplicationStatus, PaidJobError


@strawberry.input
class ApplyToPaidJobInput:
    job_id: strawberry.ID
    cover_note: str = ""


@errors_as_data(PaidJobError, E, JobApplicationPayload)
async def apply_to_paid_job(input: ApplyToPaidJobInput, info: Info) -> JobApplicationPayload:
    """Applies with a cover note; the employer reads your volunteer CV with it while open."""
    made = await applications.apply(
        actor=info.context.require_actor(), job_id=job_id(input.job_id), cover_note=input.cover_note
    )
    return JobApplicationPayload(application=made)  # type: ignore[arg-type]


@strawberry.input
class DecideJobApplicationInput:
    job_application_id: strawberry.ID
    status: JobApplicationStatus = strawberry.field(  # type: ignore[valid-type]
        description="SHORTLISTED, OFFERED or DECLINED."
    )


@errors_as_data(PaidJobError, E, JobApplicationPayload)
async def decide_job_application(
    input: DecideJobApplicationInput, info: Info
) -> JobApplicationPayload:
    """The employer shortlists, offers or declines; the applicant is told."""
    found = await applications.decide(
        actor=info.context.require_actor(),
        application_id=application_id(input.job_application_id),
        to=input.status,
    )
    return JobApplicationPayload(application=found)  # type: ignore[arg-type]


@strawberry.input
class WithdrawJobApplicationInput:
    job_application_id: strawberry.ID


@errors_as_data(PaidJobError, E, JobApplicationPayload)
async def withdraw_job_application(
    input: WithdrawJobApplicationInput, info: Info
) -> JobApplicationPayload:
    """Withdraws your open application (the employer no longer reads your CV)."""
    found = await applications.withdraw(
        actor=info.context.require_actor(), application_id=application_id(input.job_application_id)
    )
    return JobApplicationPayload(application=found)  # type: ignore[arg-type]
