"""Trust checks (DBS and the like): members submit them, moderators verify them."""

from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.people.errors import PeopleErrorCode as E
from app.people.models import CheckKind, CheckStatus, Role, TrustCheck


async def submit_check(
    *, actor: Actor, kind: CheckKind, reference: str, expires_on: date | None = None
) -> TrustCheck:
    """Records a check the member holds, pending a moderator's verification."""
    reference = v.text(reference, field="reference", max_length=64, invalid=E.INVALID)
    if expires_on is not None and expires_on <= date.today():
        raise DomainError(E.INVALID, "This check has already expired.", "expiresOn")
    async with in_transaction():
        check = await TrustCheck.create(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            kind=kind,
            reference=reference,
            expires_on=expires_on,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="check.submit",
            object_type="TrustCheck",
            object_id=check.id,
            data={"kind": kind.value},
        )
    return check


async def review_check(*, actor: Actor, check_id: int, approve: bool, note: str = "") -> TrustCheck:
    """A moderator verifies or rejects a pending check; never their own."""
    actor.require_role(Role.MODERATOR, Role.HUB_ADMIN)
    note = v.text(
        note, field="note", max_length=500, invalid=E.INVALID, required=False, multiline=True
    )
    async with in_transaction():
        check = await TrustCheck.select_for_update().get_or_none(id=check_id, hub_id=actor.hub_id)
        if check is None:
            raise DomainError(E.NOT_FOUND, "No such check.", "checkId")
        if check.member_id == actor.member_id:
            raise DomainError(E.OWN_CHECK, "Nobody reviews their own check.", "checkId")
        if check.status != CheckStatus.PENDING:
            raise DomainError(E.ALREADY_REVIEWED, f"This check is {check.status.value}.", "checkId")
        check.status = CheckStatus.VERIFIED if approve else CheckStatus.REJECTED
        check.reviewed_by_id = actor.member_id
        check.reviewed_at = datetime.now(UTC)
        check.review_note = note
        await check.save(update_fields=["status", "reviewed_by_id", "reviewed_at", "review_note"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="check.review",
            object_type="TrustCheck",
            object_id=check.id,
            data={"status": check.status.value},
        )
    return check


async def valid_checks(*, member_id: int, hub_id: int) -> set[CheckKind]:
    """The kinds of check the member holds now: verified and not expired."""
    today = date.today()
    rows = await TrustCheck.filter(
        hub_id=hub_id, member_id=member_id, status=CheckStatus.VERIFIED
    ).values_list("kind", "expires_on")
    return {CheckKind(kind) for kind, expires in rows if expires is None or expires >= today}
