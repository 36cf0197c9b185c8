"""Emails that follow opportunity events (subscribers of app.events; each is idempotent)."""

from app.events import subscribe
from app.i18n import _, localize, use_locale
from app.mail.service import queue_email, recipient_locale
from app.mail.templates import letter
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.people.models import Member


async def _email(member_id: int, subject: str, text: str, key: str) -> None:
    """Emails the member; subject and text are marked (`_()`) and written in their language."""
    member = await Member.get(id=member_id)
    if member.email:
        with use_locale(await recipient_locale(member)):
            await queue_email(
                to=member.email,
                subject=localize(subject),
                text=letter(display_name=member.display_name, text=localize(text)),
                key=key,
            )


@subscribe("application.accepted")
async def tell_accepted(*, application_id: int) -> None:
    application = await Application.get(id=application_id)
    opportunity = await Opportunity.get(id=application.opportunity_id)
    await _email(
        application.applicant_id,
        _("You're in: {title}", title=opportunity.title),
        _(
            "You have been accepted for “{title}”. The exact place and contact details are now "
            "shown to you in the app.",
            title=opportunity.title,
        ),
        key=f"accepted:{application_id}",
    )


@subscribe("application.declined")
async def tell_declined(*, application_id: int) -> None:
    application = await Application.get(id=application_id)
    opportunity = await Opportunity.get(id=application.opportunity_id)
    await _email(
        application.applicant_id,
        _("About {title}", title=opportunity.title),
        _(
            "Thank you for applying to “{title}”. This time it did not work out.",
            title=opportunity.title,
        ),
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
            _("Cancelled: {title}", title=opportunity.title),
            _("“{title}” has been cancelled by its poster.", title=opportunity.title),
            key=f"cancelled:{opportunity_id}:{applicant_id}",
        )
