"""The responsible body moves a report along (and only it), tells those who follow it, and
may turn the report into an opportunity for volunteers."""

from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.civic.errors import CivicErrorCode as E
from app.civic.problems.models import ProblemFollower, ProblemReport, ProblemStatus, ProblemUpdate
from app.civic.problems.reports import load
from app.errors import DomainError
from app.i18n import _
from app.matching.models import NotificationKind
from app.moderation.notify import tell
from app.opportunities import service as opportunities
from app.policy import Viewer

S = ProblemStatus
# What may follow what. Closing (with a reason) is possible from any state but closed; a
# closed report stays closed.
NEXT: dict[ProblemStatus, frozenset[ProblemStatus]] = {
    S.OPEN: frozenset({S.CONFIRMED, S.IN_PROGRESS, S.FIXED, S.CLOSED}),
    S.CONFIRMED: frozenset({S.IN_PROGRESS, S.FIXED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.FIXED, S.CLOSED, S.CONFIRMED}),
    S.FIXED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}
TITLES = {
    S.OPEN: _("A problem report is open again"),
    S.CONFIRMED: _("A problem you follow is confirmed"),
    S.IN_PROGRESS: _("Work has started on a problem you follow"),
    S.FIXED: _("A problem you follow is fixed"),
    S.CLOSED: _("A problem you follow is closed"),
}
# A status as members read it (in notifications and errors).
STATUS_NAMES = {
    S.OPEN: _("open"),
    S.CONFIRMED: _("confirmed"),
    S.IN_PROGRESS: _("in progress"),
    S.FIXED: _("fixed"),
    S.CLOSED: _("closed"),
}


async def is_responsible(actor: Actor, report: ProblemReport) -> bool:
    """The policy table's RESPONSIBLE: the routed organisation's people, else the council."""
    from app.civic.policy import RESPONSIBLE

    return await RESPONSIBLE.allows(Viewer.of(actor), report)


async def responsible_report(actor: Actor, report_id: int) -> ProblemReport:
    report = await load(actor.hub_id, Viewer.of(actor), report_id)
    if not await is_responsible(actor, report):
        raise DomainError(
            E.FORBIDDEN, _("Only the body responsible for this report can do this."), None
        )
    return report


async def update_status(
    *, actor: Actor, report_id: int, status: ProblemStatus, note: str = ""
) -> ProblemReport:
    """BAD_TRANSITION: the status cannot follow the current one; REASON_REQUIRED: closing
    without a reason. The reporter and followers are told (not the one who changed it)."""
    note = v.text(note, field="note", max_length=300, invalid=E.INVALID, required=False)
    await responsible_report(actor, report_id)
    if status == S.CLOSED and not note:
        raise DomainError(E.REASON_REQUIRED, _("Say why the report is closed."), "note")
    now = datetime.now(UTC)
    async with in_transaction():
        report = await ProblemReport.select_for_update().get(id=report_id, hub_id=actor.hub_id)
        if status not in NEXT[report.status]:
            raise DomainError(
                E.BAD_TRANSITION,
                _(
                    "A report that is {current} cannot become {wanted}.",
                    current=STATUS_NAMES[report.status],
                    wanted=STATUS_NAMES[status],
                ),
                "status",
            )
        report.status = status
        report.status_changed_at = now
        if status == S.FIXED and report.fixed_at is None:
            report.fixed_at = now
        if status == S.CLOSED:
            report.close_reason = note
        await report.save(update_fields=["status", "status_changed_at", "fixed_at", "close_reason"])
        update = await ProblemUpdate.create(
            hub_id=actor.hub_id, report_id=report.id, author_id=actor.member_id, status=status,
            note=note,
        )  # fmt: skip
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.problem_status",
            object_type="ProblemReport", object_id=report.id, data={"status": status.value},
        )  # fmt: skip
        followers = await ProblemFollower.filter(
            hub_id=actor.hub_id, report_id=report.id
        ).values_list("member_id", flat=True)
        await tell(
            hub_id=actor.hub_id,
            member_ids=[m for m in followers if m != actor.member_id],  # type: ignore[misc]
            kind=NotificationKind.PROBLEM_UPDATE,
            title=TITLES[status],
            reason=note or _("The report is now {status}.", status=STATUS_NAMES[status]),
            once=f"problem-update:{update.id}",
        )
    return report


async def to_opportunity(*, actor: Actor, report_id: int, fields: dict[str, Any]) -> ProblemReport:
    """The responsible body asks volunteers to fix it (a litter pick): an opportunity posted
    through the opportunities service, at the report's public place, linked to the report
    (once: ALREADY_DONE)."""
    report = await responsible_report(actor, report_id)
    if report.opportunity_id is not None:
        raise DomainError(E.ALREADY_DONE, _("This report has an opportunity already."), None)
    fields = {
        "kind": "request",
        "description": report.description,
        **fields,
        "location": (report.public_lat, report.public_lng),
    }
    if report.organisation_id is not None:
        fields["organisation_id"] = report.organisation_id
    async with in_transaction():
        locked = await ProblemReport.select_for_update().get(id=report.id)
        if locked.opportunity_id is not None:
            raise DomainError(E.ALREADY_DONE, _("This report has an opportunity already."), None)
        opportunity = await opportunities.create_opportunity(
            actor=actor, fields=fields, publish=True
        )
        locked.opportunity_id = opportunity.id
        await locked.save(update_fields=["opportunity_id"])
    return locked
