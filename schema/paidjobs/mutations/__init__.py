"""Paid-job mutations."""

import strawberry

from schema.paidjobs.mutations.apply_to_paid_job import (
    apply_to_paid_job,
    decide_job_application,
    withdraw_job_application,
)
from schema.paidjobs.mutations.post_paid_job import close_paid_job, post_paid_job


@strawberry.type
class PaidJobMutations:
    post_paid_job = strawberry.mutation(resolver=post_paid_job)
    close_paid_job = strawberry.mutation(resolver=close_paid_job)
    apply_to_paid_job = strawberry.mutation(resolver=apply_to_paid_job)
    decide_job_application = strawberry.mutation(resolver=decide_job_application)
    withdraw_job_application = strawberry.mutation(resolver=withdraw_job_application)
