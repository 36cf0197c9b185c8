"""Paid-job search and the application lists."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.paidjobs import lists, search
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import Contract as ContractEnum
from schema.context import Info
from schema.paidjobs.types import Contract, JobApplication, PaidJob
from schema.relay import Page, decode_id


@strawberry.input
class JobPointInput:
    lat: float
    lng: float


@strawberry.type
class PaidJobQueries:
    @relay.connection(  # type: ignore[misc]
        Page[PaidJob],
        description="Open paid jobs, closing soonest first, with the opportunity search's rules:"
        " text, skills, employer, contract, distance from a point or from home (remote jobs"
        " match any distance unless includeRemote is false).",
    )
    async def paid_jobs(
        self,
        info: Info,
        text: str | None = None,
        skill_ids: list[strawberry.ID] | None = None,
        employer_id: strawberry.ID | None = None,
        contract: Contract | None = None,  # type: ignore[valid-type]
        near: JobPointInput | None = None,
        near_home: bool = False,
        within_km: float | None = None,
        include_remote: bool = True,
    ) -> Iterable[PaidJob]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        filters = search.Filters(
            text=text,
            skill_ids=[
                decode_id(s, "Skill", field="skillIds", invalid=E.INVALID) for s in skill_ids or []
            ],
            organisation_id=decode_id(
                employer_id, "Organisation", field="employerId", invalid=E.INVALID
            )
            if employer_id
            else None,
            contract=ContractEnum(contract.value) if contract is not None else None,
            near=(near.lat, near.lng) if near else None,
            within_km=within_km,
            include_remote=include_remote,
        )
        actor = info.context.require_actor() if near_home else info.context.actor
        return search.search(  # type: ignore[return-value]
            hub_id=viewer.hub_id, filters=filters, actor=actor, near_home=near_home
        )

    @relay.connection(Page[JobApplication], description="Your job applications, newest first.")  # type: ignore[misc]
    async def my_job_applications(self, info: Info) -> Iterable[JobApplication]:
        return lists.my_applications(actor=info.context.require_actor())  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[JobApplication],
        description="A job's applications, first first (the employer's people). Errors"
        " (extensions.code): FORBIDDEN.",
    )
    async def job_applications(self, info: Info, job_id: strawberry.ID) -> Iterable[JobApplication]:
        job = decode_id(job_id, "PaidJob", field="jobId", invalid=E.INVALID)
        return await lists.applications_to(actor=info.context.require_actor(), job_id=job)  # type: ignore[return-value]
