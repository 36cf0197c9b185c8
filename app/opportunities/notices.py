"""Emails that follow opportunity events (subscribers of app.events; each is idempotent)."""

from app.events import subscribe
from app.mail.service import queue_email
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.people.models import Member


async def _email(member_id: int, subject: str, text: str, key: str) -> None:
    member = await Member.get(id=member_id)
    if member.email:
        await queue_email(
            to=member.email,
            subject=subject,
            text=f"Hello {member.display_name},\n\n{text}\n",
            key=key,
        )


@subscribe("application.accepted")
async def tell_accepted(*, application_id: int) -> None:
    application = await Application.get(id=application_id)
    opportunity = await Opportunity.get(id=application.opportunity_id)
    await _email(
        application.applicant_id,
        f"You're in: {opportunity.title}",
        f"You have been accepted for “{opportunity.title}”. The exact place and contact "
        "details are now shown to you in the app.",
        key=f"accepted:{application_id}",
    )


@subscribe("application.declined")
async def tell_declined(*, application_id: int) -> None:
    application = await Application.get(id=application_id)
    opportunity = await Opportunity.get(id=application.opportunity_id)
    await _email(
        application.applicant_id,
        f"About {opportunity.title}",
        f"Thank you for applying to “{opportunity.title}”. This time it did not work out.",
        key=f"declined:{application_id}",
    )


@subscribe("opportunity.cancelled")
async def tell_cancelled(*, opportunity_id: int) -> None:
    opportunity = await Opportunity.get(id=opportunity_id)
    open_statuses = [
        ApplicationStatus.PENDING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
    ]
    applications = await Application.filter(
        hub_id=opportunity.hub_id, opportunity_id=opportunity_id, status__in=open_statuses
    ).only("id", "applicant_id")
    for applicant_id in (a.applicant_id for a in applications):
        await _email(
            applicant_id,
            f"Cancelled: {opportunity.title}",
            f"“{opportunity.title}” has been cancelled by its poster.",
            key=f"cancelled:{opportunity_id}:{applicant_id}",
        )
