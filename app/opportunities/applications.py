"""Applying to opportunities, and the poster's answers. Places never overfill.

A place is taken by one conditional UPDATE (`accepted_count < places`) in the same transaction
as the application's change: under READ COMMITTED concurrent takers queue on the row lock and
re-check the condition, and a CHECK constraint backs it up in the database.
"""

from datetime import UTC, date, datetime

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.jobs import clock, schedule
from app.opportunities.access import get_opportunity, require_manager
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import (
    Application,
    ApplicationStatus,
    Opportunity,
)

A = ApplicationStatus
_TAKE_PLACE = """
UPDATE opportunity
   SET accepted_count = accepted_count + 1,
       status = CASE WHEN accepted_count + 1 >= places THEN 'filled' ELSE status END
 WHERE id = $1 AND hub_id = $2 AND status IN ('published', 'filled') AND accepted_count < places
RETURNING accepted_count"""
_FREE_PLACE = """
UPDATE opportunity
   SET accepted_count = accepted_count - 1,
       status = CASE WHEN status = 'filled' THEN 'published' ELSE status END
 WHERE id = $1 AND hub_id = $2 AND accepted_count > 0"""


async def _take_place(opportunity: Opportunity) -> bool:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _TAKE_PLACE, [opportunity.id, opportunity.hub_id]
    )
    return bool(rows)


async def _free_place(opportunity_id: int, hub_id: int) -> None:
    await Tortoise.get_connection("default").execute_query(_FREE_PLACE, [opportunity_id, hub_id])


_APPLY = (
    "SELECT r.err, r.detail, (r.a).* FROM opportunity_apply($1, $2, $3, $4, $5, $6, $7,"
    " $8::text[], $9) r"
)


async def apply(*, actor: Actor, opportunity_id: int, message: str = "") -> Application:
    """Applies to an open opportunity; with auto-accept, takes a place or joins the waitlist.

    One statement (opportunity_apply, migrations/0029_apply_in_one_statement.py): the checks
    of _check_eligible, the application, the place or the waitlist, the accepted event's jobs
    and the audit row; a refusal writes nothing."""
    message = v.text(
        message, field="message", max_length=2000, invalid=E.INVALID, required=False, multiline=True
    )
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _APPLY,
        [
            actor.hub_id,
            actor.member_id,
            actor.acted_by.id if actor.acted_by else None,
            opportunity_id,
            message,
            checks_day(),
            date.today(),
            list(events.subscribers("application.accepted")),
            clock.now() + schedule.pickup_lease(),  # relayed by the writer, else the sweep
        ],
    )
    row = rows[0]
    if row["err"] is not None:
        raise _refusal(row["err"], row["detail"])
    return Application._init_from_db(**row)


def _refusal(code: str, detail: str | None) -> DomainError:
    """The typed error of an answer of opportunity_apply (the messages of _check_eligible)."""
    if code == "not_found":
        return DomainError(E.NOT_FOUND, _("No such opportunity."), "opportunityId")
    if code == "not_open":
        return DomainError(
            E.NOT_OPEN, _("This opportunity is {detail}.", detail=detail), "opportunityId"
        )
    if code == "own_opportunity":
        return DomainError(E.OWN_OPPORTUNITY, _("You posted this opportunity."), "opportunityId")
    if code == "already_applied":
        return DomainError(E.ALREADY_APPLIED, _("You have already applied."), "opportunityId")
    if code == "missing_checks":
        return DomainError(
            E.MISSING_CHECKS, _("This needs verified checks: {detail}.", detail=detail), None
        )
    if code == "age_unknown":
        return DomainError(
            E.AGE_REQUIREMENT,
            _("You must be at least {detail}: add your date of birth.", detail=detail),
            None,
        )
    if code == "too_young":
        return DomainError(
            E.AGE_REQUIREMENT, _("You must be at least {detail}.", detail=detail), None
        )
    raise AssertionError(f"unknown answer of opportunity_apply: {code!r}")


def checks_day() -> date:
    """The day checks are valid on (app.people.service.valid_checks counts in UTC)."""
    return datetime.now(UTC).date()


async def accept(*, actor: Actor, application_id: int) -> Application:
    """The poster's side accepts a pending or waitlisted applicant, if a place is left."""
    async with in_transaction():
        application, opportunity = await _managed(actor, application_id)
        _require(application, A.PENDING, A.WAITLISTED)
        if not await _take_place(opportunity):
            raise DomainError(E.NO_PLACES_LEFT, _("No places are left."), None)
        await _decide(application, A.ACCEPTED)
        await _audit(actor, application, "application.accept")
    return application


async def decline(*, actor: Actor, application_id: int) -> Application:
    """The poster's side declines an applicant (an accepted one frees their place)."""
    async with in_transaction():
        application, opportunity = await _managed(actor, application_id)
        _require(application, A.PENDING, A.WAITLISTED, A.ACCEPTED)
        if application.status == A.ACCEPTED:
            await _free_place(opportunity.id, opportunity.hub_id)
        await _decide(application, A.DECLINED)
        await _audit(actor, application, "application.decline")
    return application


async def waitlist(*, actor: Actor, application_id: int) -> Application:
    """The poster's side keeps a pending applicant in reserve."""
    async with in_transaction():
        application, _ = await _managed(actor, application_id)
        _require(application, A.PENDING)
        await _decide(application, A.WAITLISTED)
        await _audit(actor, application, "application.waitlist")
    return application


async def withdraw(*, actor: Actor, application_id: int) -> Application:
    """The applicant withdraws; a freed place goes to the first waitlisted with auto-accept."""
    async with in_transaction():
        application = await Application.select_for_update().get_or_none(
            id=application_id, hub_id=actor.hub_id, applicant_id=actor.member_id
        )
        if application is None:
            raise DomainError(E.NOT_FOUND, _("No such application of yours."), "applicationId")
        _require(application, A.PENDING, A.WAITLISTED, A.ACCEPTED)
        was_accepted = application.status == A.ACCEPTED
        await _decide(application, A.WITHDRAWN)
        if was_accepted:
            await _free_place(application.opportunity_id, actor.hub_id)
            await _promote_waitlisted(application.opportunity_id, actor.hub_id)
        await _audit(actor, application, "application.withdraw")
    return application


async def _promote_waitlisted(opportunity_id: int, hub_id: int) -> None:
    opportunity = await Opportunity.get(id=opportunity_id, hub_id=hub_id)
    if not opportunity.auto_accept:
        return
    first = (
        await Application.filter(hub_id=hub_id, opportunity_id=opportunity_id, status=A.WAITLISTED)
        .order_by("created_at", "id")
        .select_for_update()
        .first()
    )
    if first is not None and await _take_place(opportunity):
        await _decide(first, A.ACCEPTED)


async def _managed(actor: Actor, application_id: int) -> tuple[Application, Opportunity]:
    application = await Application.select_for_update().get_or_none(
        id=application_id, hub_id=actor.hub_id
    )
    if application is None:
        raise DomainError(E.NOT_FOUND, _("No such application."), "applicationId")
    opportunity = await get_opportunity(actor, application.opportunity_id)
    await require_manager(actor, opportunity)
    return application, opportunity


def _require(application: Application, *allowed: ApplicationStatus) -> None:
    if application.status not in allowed:
        raise DomainError(
            E.INVALID_TRANSITION,
            _("The application is {value}.", value=application.status.value),
            None,
        )


async def _decide(application: Application, status: ApplicationStatus) -> None:
    application.status = status
    application.decided_at = datetime.now(UTC)
    await application.save(update_fields=["status", "decided_at", "updated_at"])
    if status in (A.ACCEPTED, A.DECLINED):
        await events.emit(
            f"application.{status.value}",
            {"application_id": application.id},
            key=f"{application.id}:{application.decided_at.timestamp()}",
        )


async def _audit(actor: Actor, application: Application, action: str) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="Application",
        object_id=application.id,
    )
