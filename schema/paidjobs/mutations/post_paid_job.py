"""postPaidJob and closePaidJob: an employer's open job, and closing it."""

from datetime import datetime

import strawberry

from app.paidjobs import service
from app.paidjobs.errors import PaidJobErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.paidjobs.mutations.payloads import PaidJobPayload, job_id
from schema.paidjobs.queries import JobPointInput
from schema.paidjobs.types import Contract, PaidJobError, PayPeriod
from schema.relay import decode_id


@strawberry.input
class PostPaidJobInput:
    organisation_id: strawberry.ID = strawberry.field(description="The employer (you manage).")
    title: str
    pay_min: int = strawberry.field(description="In the currency's minor unit (pence).")
    pay_max: int
    pay_period: PayPeriod  # type: ignore[valid-type]
    contract: Contract  # type: ignore[valid-type]
    closes_at: datetime
    description: str = ""
    currency: str = "GBP"
    hours_per_week: float | None = None
    remote: bool = False
    near: JobPointInput | None = None
    skill_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@errors_as_data(PaidJobError, E, PaidJobPayload)
async def post_paid_job(input: PostPaidJobInput, info: Info) -> PaidJobPayload:
    """An open job; it expires at its closing date."""
    job = await service.post_job(
        actor=info.context.require_actor(),
        given=service.JobInput(
            organisation_id=decode_id(
                input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
            ),
            title=input.title,
            pay_min=input.pay_min,
            pay_max=input.pay_max,
            pay_period=input.pay_period,
            contract=input.contract,
            closes_at=input.closes_at,
            description=input.description,
            currency=input.currency,
            hours_per_week=input.hours_per_week,
            remote=input.remote,
            near=(input.near.lat, input.near.lng) if input.near else None,
            skill_ids=[
                decode_id(s, "Skill", field="skillIds", invalid=E.INVALID) for s in input.skill_ids
            ],
        ),
    )
    return PaidJobPayload(job=job)  # type: ignore[arg-type]


@strawberry.input
class ClosePaidJobInput:
    job_id: strawberry.ID


@errors_as_data(PaidJobError, E, PaidJobPayload)
async def close_paid_job(input: ClosePaidJobInput, info: Info) -> PaidJobPayload:
    """Closes an open job (filled or withdrawn)."""
    job = await service.close_job(actor=info.context.require_actor(), job_id=job_id(input.job_id))
    return PaidJobPayload(job=job)  # type: ignore[arg-type]
