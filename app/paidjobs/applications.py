"""Applying to a paid job with a cover note, and the employer's decisions.

The application links the applicant's volunteer CV (their portfolio): the employer's people
read it through this application only, while it is open (`cv`, the policy's CV_READERS).
"""

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import events
from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.i18n.stored import pack
from app.matching.models import Notification, NotificationKind
from app.organisations.models import OrganisationMember
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import (
    OPEN_APPLICATION,
    JobApplication,
    JobApplicationStatus,
    PaidJob,
    PaidJobStatus,
)
from app.paidjobs.service import require_employer
from app.people.models import Member
from app.policy import Viewer
from app.portfolios import service as portfolios

RECEIVED_EVENT = "job.application_received"
S = JobApplicationStatus
# Where an employer may take an application.
DECISIONS = {
    S.SHORTLISTED: {S.APPLIED},
    S.OFFERED: {S.APPLIED, S.SHORTLISTED},
    S.DECLINED: {S.APPLIED, S.SHORTLISTED, S.OFFERED},
}
TOLD = {
    S.SHORTLISTED: _("You are on the shortlist for “{title}”."),
    S.OFFERED: _("You are offered the job “{title}”."),
    S.DECLINED: _("Your application for “{title}” was not taken further."),
}


async def apply(*, actor: Actor, job_id: int, cover_note: str = "") -> JobApplication:
    """Applies to an open job before its closing date; once per job."""
    if len(cover_note) > 5000 or "\x00" in cover_note:
        raise DomainError(E.INVALID, _("At most 5000 characters."), "coverNote")
    async with in_transaction():
        job = await PaidJob.get_or_none(id=job_id, hub_id=actor.hub_id)
        if job is None:
            raise DomainError(E.NOT_FOUND, _("No such job."), "jobId")
        if job.status != PaidJobStatus.OPEN or job.closes_at <= datetime.now(UTC):
            raise DomainError(E.JOB_CLOSED, _("This job no longer takes applications."), "jobId")
        if await OrganisationMember.exists(
            hub_id=actor.hub_id, organisation_id=job.organisation_id, member_id=actor.member_id
        ):
            raise DomainError(E.OWN_JOB, _("You work for this employer."), "jobId")
        if await JobApplication.exists(
            hub_id=actor.hub_id, job_id=job.id, member_id=actor.member_id
        ):
            raise DomainError(E.ALREADY_APPLIED, _("You have already applied."), "jobId")
        try:
            application = await JobApplication.create(
                hub_id=actor.hub_id,
                job_id=job.id,
                member_id=actor.member_id,
                cover_note=cover_note.strip(),
            )
        except IntegrityError as exc:
            raise DomainError(E.ALREADY_APPLIED, _("You have already applied."), "jobId") from exc
        await events.emit(
            RECEIVED_EVENT,
            {"job_application_id": application.id},
            key=f"job_application={application.id}",
        )
    return application


async def _locked(actor: Actor, application_id: int) -> tuple[PaidJob, JobApplication]:
    application = (
        await JobApplication.filter(id=application_id, hub_id=actor.hub_id)
        .select_for_update()
        .first()
    )
    if application is None:
        raise DomainError(E.NOT_FOUND, _("No such application."), "jobApplicationId")
    return await PaidJob.get(id=application.job_id), application


async def decide(*, actor: Actor, application_id: int, to: JobApplicationStatus) -> JobApplication:
    """The employer shortlists, offers or declines; the applicant is told (once per step)."""
    async with in_transaction():
        job, application = await _locked(actor, application_id)
        await require_employer(actor, job.organisation_id, "jobApplicationId")
        if to not in DECISIONS:
            raise DomainError(E.INVALID_TRANSITION, _("Shortlist, offer or decline."), "status")
        if application.status not in DECISIONS[to]:
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The application is {value}.", value=application.status.value),
                "jobApplicationId",
            )
        application.status, application.decided_at = to, datetime.now(UTC)
        await application.save(update_fields=["status", "decided_at", "updated_at"])
        await Notification.create(
            hub_id=job.hub_id,
            member_id=application.member_id,
            kind=NotificationKind.JOB_APPLICATION,
            title=TOLD[to].format(title=job.title[:120])[:200],
            reason="",
            data={
                "texts": {"title": pack(TOLD[to].format(title=job.title[:120]))},
                "job_application_id": application.id,
                "status": to.value,
                "once": f"job-application:{application.id}:{to.value}",
            },
        )
    return application


async def withdraw(*, actor: Actor, application_id: int) -> JobApplication:
    """The applicant withdraws an open application (the employer's access to the CV ends)."""
    async with in_transaction():
        _job, application = await _locked(actor, application_id)
        if application.member_id != actor.member_id:
            raise DomainError(E.FORBIDDEN, _("Not your application."), "jobApplicationId")
        if application.status not in OPEN_APPLICATION:
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The application is {value}.", value=application.status.value),
                "jobApplicationId",
            )
        application.status = S.WITHDRAWN
        await application.save(update_fields=["status", "updated_at"])
    return application


async def cv_of(*, viewer: Viewer, application: JobApplication) -> portfolios.Portfolio | None:
    """The applicant's CV, for whoever the policy's CV_READERS lets read it (None otherwise)."""
    from app.paidjobs.policy import CV_READERS

    if not await CV_READERS.allows(viewer, application):
        return None
    member = await Member.get(id=application.member_id, hub_id=application.hub_id)
    return await portfolios.build(hub_id=application.hub_id, member=member)
