"""The caller's job applications, and a job's applications for its employer."""

from tortoise.queryset import QuerySet

from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import JobApplication, PaidJob


def my_applications(*, actor: Actor) -> QuerySet[JobApplication]:
    return JobApplication.filter(hub_id=actor.hub_id, member_id=actor.member_id).order_by("-id")


async def applications_to(*, actor: Actor, job_id: int) -> QuerySet[JobApplication]:
    """A job's applications, first first (the employer's people)."""
    job = await PaidJob.get_or_none(id=job_id, hub_id=actor.hub_id)
    if job is None:
        raise DomainError(E.NOT_FOUND, _("No such job."), "jobId")
    if not await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=job.organisation_id, member_id=actor.member_id
    ):
        raise DomainError(E.FORBIDDEN, _("Only the employer reads its applications."), "jobId")
    return JobApplication.filter(hub_id=actor.hub_id, job_id=job.id).order_by("id")
