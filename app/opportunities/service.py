"""Posting opportunities and moving them through their lifecycle."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app import events
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError, DomainErrors
from app.i18n import _
from app.opportunities import validation
from app.opportunities.access import get_opportunity, require_manager
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import (
    Category,
    Opportunity,
    OpportunitySkill,
    OpportunityStatus,
)
from app.organisations.models import OrganisationMember
from app.people.models import Skill

S = OpportunityStatus
DEFAULT_LIFETIME = timedelta(days=30)
OPEN = (S.PUBLISHED, S.FILLED)
# Once someone is accepted, what they signed up for stays as it was.
FIXED_AFTER_ACCEPTANCE = {
    "starts_at",
    "ends_at",
    "recurrence",
    "lat",
    "remote",
    "required_checks",
    "min_age",
}


async def create_opportunity(
    *, actor: Actor, fields: dict[str, Any], publish: bool = False
) -> Opportunity:
    """Posts an opportunity as a draft, or published at once."""
    require_fields(fields)
    cleaned = validation.clean(fields)
    now = datetime.now(UTC)
    skill_ids = cleaned.pop("skill_ids", [])
    row = {"remote": False, **_flatten(cleaned)}
    validation.check_consistency(row, now=now, publishing=publish)
    async with in_transaction():
        await _check_references(actor, row, skill_ids)
        if publish:
            row |= _publication(row, now)
        opportunity = await Opportunity.create(
            hub_id=actor.hub_id,
            poster_id=actor.member_id,
            status=S.PUBLISHED if publish else S.DRAFT,
            **row,
        )
        await _set_skills(actor, opportunity.id, skill_ids)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="opportunity.create",
            object_type="Opportunity",
            object_id=opportunity.id,
        )
        if publish:
            await _published(opportunity)
    return opportunity


async def update_opportunity(
    *, actor: Actor, opportunity_id: int, fields: dict[str, Any]
) -> Opportunity:
    """Changes an opportunity, within what its state allows."""
    cleaned = validation.clean(fields)
    skill_ids = cleaned.pop("skill_ids", None)
    async with in_transaction():
        opportunity = await get_opportunity(actor, opportunity_id, lock=True)
        await require_manager(actor, opportunity)
        _check_editable(opportunity, cleaned)
        changes = _flatten(cleaned)
        merged = {**_as_row(opportunity), **changes}
        validation.check_consistency(merged, now=datetime.now(UTC), publishing=False)
        await _check_references(actor, changes, skill_ids or [])
        if "places" in changes:
            changes["status"] = _status_for_places(opportunity, changes["places"])
        if changes:
            await Opportunity.filter(id=opportunity.id).update(**changes)
        if skill_ids is not None:
            await OpportunitySkill.filter(
                hub_id=actor.hub_id, opportunity_id=opportunity.id
            ).delete()
            await _set_skills(actor, opportunity.id, skill_ids)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="opportunity.update",
            object_type="Opportunity",
            object_id=opportunity.id,
            data={"fields": sorted(fields)},
        )
        await opportunity.refresh_from_db()
        if opportunity.status != S.DRAFT and PUBLIC_TEXT & set(changes):
            # A listing's new words are read for automatic flags as when it was published.
            await events.emit(
                "opportunity.edited",
                {"opportunity_id": opportunity.id},
                key=f"{opportunity.id}:{datetime.now(UTC).isoformat()}",  # each edit read once
            )
    return opportunity


# The fields everyone reads (app/moderation/on_events.py flags them).
PUBLIC_TEXT = frozenset({"title", "description"})


def _check_editable(opportunity: Opportunity, cleaned: dict[str, Any]) -> None:
    if opportunity.status not in (S.DRAFT, *OPEN):
        raise DomainError(
            E.NOT_EDITABLE,
            _("A {value} opportunity cannot change.", value=opportunity.status.value),
            None,
        )
    if opportunity.status != S.DRAFT and "kind" in cleaned:
        raise DomainError(E.NOT_EDITABLE, _("The kind is fixed once published."), "kind")
    if opportunity.accepted_count:
        for name in sorted(FIXED_AFTER_ACCEPTANCE & set(cleaned)):
            raise DomainError(
                E.NOT_EDITABLE,
                _("People have been accepted: this can no longer change."),
                validation.field_name(name),
            )
    places = cleaned.get("places")
    if places is not None and places < opportunity.accepted_count:
        raise DomainError(
            E.PLACES_BELOW_ACCEPTED,
            _(
                "{accepted_count} people are already accepted.",
                accepted_count=opportunity.accepted_count,
            ),
            "places",
        )


def _status_for_places(opportunity: Opportunity, places: int) -> OpportunityStatus:
    if opportunity.status in OPEN:
        return S.FILLED if opportunity.accepted_count >= places else S.PUBLISHED
    return opportunity.status


async def publish_opportunity(*, actor: Actor, opportunity_id: int) -> Opportunity:
    """Makes a draft visible and open to applications."""
    now = datetime.now(UTC)
    async with in_transaction():
        opportunity = await get_opportunity(actor, opportunity_id, lock=True)
        await require_manager(actor, opportunity)
        _require_status(opportunity, S.DRAFT)
        validation.check_consistency(_as_row(opportunity), now=now, publishing=True)
        changes = {"status": S.PUBLISHED, **_publication(_as_row(opportunity), now)}
        await Opportunity.filter(id=opportunity.id).update(**changes)
        await opportunity.refresh_from_db()
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="opportunity.publish",
            object_type="Opportunity",
            object_id=opportunity.id,
        )
        await _published(opportunity)
    return opportunity


async def close_opportunity(*, actor: Actor, opportunity_id: int) -> Opportunity:
    """Stops taking applications (the work is done or no longer needed)."""
    return await _transition(actor, opportunity_id, OPEN, S.CLOSED, "opportunity.close")


async def cancel_opportunity(*, actor: Actor, opportunity_id: int) -> Opportunity:
    """Calls it off; applicants are told."""
    opportunity = await _transition(
        actor, opportunity_id, (S.DRAFT, *OPEN), S.CANCELLED, "opportunity.cancel"
    )
    return opportunity


async def renew_opportunity(*, actor: Actor, opportunity_id: int, days: int = 30) -> Opportunity:
    """Extends the listing by `days` (1-90); an expired one is published again."""
    if not 1 <= days <= 90:
        raise DomainError(E.INVALID, _("Between 1 and 90 days."), "days")
    now = datetime.now(UTC)
    async with in_transaction():
        opportunity = await get_opportunity(actor, opportunity_id, lock=True)
        await require_manager(actor, opportunity)
        _require_status(opportunity, S.PUBLISHED, S.FILLED, S.EXPIRED)
        base = max(now, opportunity.expires_at or now)
        changes: dict[str, Any] = {
            "expires_at": base + timedelta(days=days),
            "expiry_reminder_sent_at": None,
        }
        if opportunity.status == S.EXPIRED:
            full = opportunity.accepted_count >= opportunity.places
            changes["status"] = S.FILLED if full else S.PUBLISHED
        await Opportunity.filter(id=opportunity.id).update(**changes)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="opportunity.renew",
            object_type="Opportunity",
            object_id=opportunity.id,
            data={"days": days},
        )
        await opportunity.refresh_from_db()
    return opportunity


async def _transition(
    actor: Actor,
    opportunity_id: int,
    allowed: tuple[OpportunityStatus, ...],
    target: OpportunityStatus,
    action: str,
) -> Opportunity:
    async with in_transaction():
        opportunity = await get_opportunity(actor, opportunity_id, lock=True)
        await require_manager(actor, opportunity)
        _require_status(opportunity, *allowed)
        await Opportunity.filter(id=opportunity.id).update(status=target)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action=action,
            object_type="Opportunity",
            object_id=opportunity.id,
        )
        await events.emit(
            f"opportunity.{target.value}",
            {"opportunity_id": opportunity.id},
            key=f"{opportunity.id}",
        )
        await opportunity.refresh_from_db()
    return opportunity


def _require_status(opportunity: Opportunity, *allowed: OpportunityStatus) -> None:
    if opportunity.status not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise DomainError(
            E.INVALID_TRANSITION,
            _(
                "The opportunity is {value}; this needs it {names}.",
                value=opportunity.status.value,
                names=names,
            ),
            None,
        )


def _publication(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    expires = row.get("expires_at") or now + DEFAULT_LIFETIME
    if row.get("ends_at"):
        expires = min(expires, row["ends_at"])
    return {"published_at": now, "expires_at": expires}


async def _published(opportunity: Opportunity) -> None:
    await events.emit(
        "opportunity.published", {"opportunity_id": opportunity.id}, key=f"{opportunity.id}"
    )


def _flatten(cleaned: dict[str, Any]) -> dict[str, Any]:
    """`location` expands into lat/lng/cells; the rest maps one to one onto columns."""
    out = dict(cleaned)
    if "location" in out:
        out |= out.pop("location")
    return out


def _as_row(opportunity: Opportunity) -> dict[str, Any]:
    names = ("starts_at", "ends_at", "expires_at", "recurrence", "remote", "lat")
    return {n: getattr(opportunity, n) for n in names}


async def _check_references(actor: Actor, row: dict[str, Any], skill_ids: list[int]) -> None:
    category_id = row.get("category_id")
    if category_id is not None and not await Category.exists(id=category_id, hub_id=actor.hub_id):
        raise DomainError(E.INVALID, _("No such category in this hub."), "categoryId")
    organisation_id = row.get("organisation_id")
    if organisation_id is not None and not await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    ):
        raise DomainError(
            E.FORBIDDEN, _("You do not belong to this organisation."), "organisationId"
        )
    if skill_ids:
        found = await Skill.filter(id__in=skill_ids, hub_id=actor.hub_id).count()
        if found != len(skill_ids):
            raise DomainError(E.INVALID, _("Some skills are not this hub's."), "skillIds")


async def _set_skills(actor: Actor, opportunity_id: int, skill_ids: list[int]) -> None:
    await OpportunitySkill.bulk_create(
        [
            OpportunitySkill(hub_id=actor.hub_id, opportunity_id=opportunity_id, skill_id=s)
            for s in skill_ids
        ]
    )


REQUIRED_ON_CREATE = {"kind": "kind", "title": "title", "category_id": "categoryId"}


def require_fields(fields: dict[str, Any]) -> None:
    """Raises for every required field missing from a new opportunity."""
    missing = [
        DomainError(E.INVALID, _("This field is required."), camel)
        for name, camel in REQUIRED_ON_CREATE.items()
        if fields.get(name) is None
    ]
    if missing:
        raise DomainErrors(missing)
