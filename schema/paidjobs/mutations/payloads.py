"""Payloads shared by the paid-job mutations."""

import strawberry

from app.paidjobs.errors import PaidJobErrorCode as E
from schema.paidjobs.types import JobApplication, PaidJob, PaidJobError
from schema.relay import decode_id


@strawberry.type
class PaidJobPayload:
    job: PaidJob | None = None
    errors: list[PaidJobError] = strawberry.field(default_factory=list)


@strawberry.type
class JobApplicationPayload:
    application: JobApplication | None = None
    errors: list[PaidJobError] = strawberry.field(default_factory=list)


def job_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "PaidJob", field="jobId", invalid=E.INVALID)


def application_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "JobApplication", field="jobApplicationId", invalid=E.INVALID)
