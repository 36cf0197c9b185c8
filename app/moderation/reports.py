"""Reporting an object, and the automatic flags that open cases without a report.

Reports of one object while it waits for a moderator go into one case (the queue is grouped by
object); a member reports an object once per case. Each call of `report` counts against the
member's tight REPORT limit first (app/budgets/limits.py), so aliases in one document and
batched requests cannot get around it, failed reports included.
"""

from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.budgets.limits import REPORT, guard
from app.errors import DomainError
from app.i18n import _
from app.moderation import flags
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import SEVERITY, CaseStatus, ModerationCase, Reason, Report, Target
from app.moderation.targets import KINDS, member_of, text_of
from app.organisations.models import OrganisationMember, OrganisationRole
from app.policy import Viewer, can_see

MAX_NOTE = 1000
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"


async def report(
    *, actor: Actor, target: Target, object_id: int, reason: Reason, note: str = ""
) -> Report:
    """The actor reports an object they can see. OWN_CONTENT: themself or what they answer for;
    ALREADY_REPORTED: their report of it waits for a moderator; RATE_LIMITED: too many."""
    await guard(REPORT, identity=f"{actor.hub_id}:{actor.member_id}", code=E.RATE_LIMITED)
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, required=False,
                  multiline=True)  # fmt: skip
    row = await load(actor, target, object_id)
    answerable = await answerable_member(target, row)
    if answerable == actor.member_id or (
        target in (Target.ORGANISATION, Target.VOUCHER_OFFER)
        and await _staff_of(actor, target, row)
    ):
        raise DomainError(E.OWN_CONTENT, _("You cannot report yourself or what you posted."), "id")
    rules = await flags.rules_of(actor.hub_id)
    async with in_transaction():
        case = await _open_case(actor.hub_id, target, row, answerable)
        if await Report.exists(case_id=case.id, reporter_id=actor.member_id):
            raise DomainError(
                E.ALREADY_REPORTED, _("You have reported this; a moderator will look at it."), "id"
            )
        created = await Report.create(
            hub_id=actor.hub_id,
            case_id=case.id,
            reporter_id=actor.member_id,
            reason=reason,
            note=note,
        )
        case.report_count += 1
        case.severity = max(case.severity, SEVERITY[reason])
        found = flags.flags_of(rules, target, text_of(target, row))
        if case.report_count >= rules.several_reporters:
            found.append(flags.SEVERAL)
        case.flags = sorted(set(case.flags) | set(found))
        await case.save(update_fields=["report_count", "severity", "flags"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="moderation.report",
            object_type=target.value,
            object_id=row.pk,
            data={"case_id": case.id, "reason": reason.value},
        )
    return created


async def flag(*, hub_id: int, target: Target, object_id: int) -> ModerationCase | None:
    """Reads an object's public text against the hub's rules; a flag opens (or adds to) its
    case. For subscribers of publishing events (app/moderation/on_events.py)."""
    kind = KINDS[target]
    row = await kind.model.get_or_none(id=object_id, hub_id=hub_id)
    if row is None:
        return None
    found = flags.flags_of(await flags.rules_of(hub_id), target, text_of(target, row))
    if not found:
        return None
    async with in_transaction():
        case = await _open_case(hub_id, target, row, await answerable_member(target, row))
        if set(found) <= set(case.flags):
            return case
        case.flags = sorted(set(case.flags) | set(found))
        await case.save(update_fields=["flags"])
    return case


async def load(actor: Actor, target: Target, object_id: int) -> Model:
    """The object in the actor's hub, if the actor may see it; else NOT_FOUND."""
    kind = KINDS[target]
    row = await kind.model.get_or_none(id=object_id, hub_id=actor.hub_id)
    if row is None or not await can_see(Viewer.of(actor), kind.type_name, row):
        raise DomainError(E.NOT_FOUND, _("No such {type_name}.", type_name=kind.type_name), "id")
    return row


async def answerable_member(target: Target, row: Model) -> int | None:
    """The member the object's moderation is about: its author, poster or (for an
    organisation's objects) the organisation's owner."""
    member_id = member_of(target, row)
    if member_id is not None:
        return member_id
    organisation_id = _organisation_id(target, row)
    owner = (
        await OrganisationMember.filter(
            organisation_id=organisation_id, role=OrganisationRole.OWNER
        )
        .order_by("id")
        .first()
        .values_list("member_id", flat=True)
    )
    return owner  # type: ignore[return-value]


async def _staff_of(actor: Actor, target: Target, row: Model) -> bool:
    organisation_id = _organisation_id(target, row)
    return await OrganisationMember.exists(
        organisation_id=organisation_id, member_id=actor.member_id
    )


def _organisation_id(target: Target, row: Model) -> int:
    if target == Target.ORGANISATION:
        return int(row.pk)
    return int(row.organisation_id)  # type: ignore[attr-defined]


async def _open_case(
    hub_id: int, target: Target, row: Model, member_id: int | None
) -> ModerationCase:
    """The object's open case, made if there is none, locked for this transaction."""
    await Tortoise.get_connection("default").execute_query(
        _LOCK, [f"moderation-case:{hub_id}:{target.value}:{row.pk}"]
    )
    case = (
        await ModerationCase.filter(
            hub_id=hub_id, target=target, object_id=row.pk, status=CaseStatus.OPEN
        )
        .select_for_update()
        .first()
    )
    if case is None:
        case = await ModerationCase.create(
            hub_id=hub_id,
            target=target,
            object_id=row.pk,
            member_id=member_id,
            created_at=datetime.now(UTC),
        )
    return case
