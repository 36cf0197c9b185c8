"""Agreeing links between two hubs of this installation: propose, accept, decline, pause,
resume, and each side's credit limit. Only each hub's admins see or change its side.

Both sides' rows change together, under row locks taken in id order (and, while a link is
proposed, a transaction advisory lock on the pair of hubs, so two admins proposing to each other
at once make one link). A hub's clearing account for the partner is opened when the link is
accepted, with the hub's credit limit as its overdraft limit (app/credits/ledger.py checks it).
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.credits import ledger
from app.credits.models import Account, AccountKind
from app.errors import DomainError
from app.federation import rates
from app.federation.errors import FederationErrorCode as E
from app.federation.models import HubLink, LinkStatus
from app.hubs.models import Hub
from app.i18n import _
from app.people.models import Role

# A link's status as members read it (in errors).
STATUS_NAMES = {
    LinkStatus.PROPOSED: _("proposed"),
    LinkStatus.INVITED: _("waiting for an answer"),
    LinkStatus.ACTIVE: _("active"),
    LinkStatus.PAUSED: _("paused"),
    LinkStatus.DECLINED: _("declined"),
}

MAX_CATEGORIES = 50


def require_hub_admin(actor: Actor) -> None:
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only a hub admin can do this."), None)


def check_limit(value: int, field: str) -> int:
    if not 0 <= value <= ledger.MAX_AMOUNT:
        raise DomainError(E.INVALID, _("A credit limit is a whole number, zero or more."), field)
    return value


def check_categories(categories: list[str]) -> list[str]:
    cleaned = sorted({c.strip().lower() for c in categories})
    if len(cleaned) > MAX_CATEGORIES or any(not 0 < len(c) <= 60 for c in cleaned):
        raise DomainError(
            E.INVALID,
            _("Up to {n} categories of 1 to 60 characters.", n=MAX_CATEGORIES),
            "categories",
        )
    return cleaned


async def _lock_pairs(hub_ids: tuple[int, int]) -> None:
    low, high = sorted(hub_ids)
    await Tortoise.get_connection("default").execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('hub_link:' || $1 || ':' || $2, 0))",
        [str(low), str(high)],
    )


def other_side(mine: HubLink) -> QuerySet[HubLink]:
    """A query for `mine` and its partner's row on this installation (if any): the row of
    the partner hub that names mine's hub, with the same pair (a pair is unique per hub only)."""
    if mine.partner_hub_id is None:
        return HubLink.filter(id=mine.id)
    return HubLink.filter(
        Q(id=mine.id) | Q(hub_id=mine.partner_hub_id, partner_hub_id=mine.hub_id, pair=mine.pair)
    )


async def both_sides(actor: Actor, link_id: int) -> tuple[HubLink, HubLink | None]:
    """The actor's hub's row of the link and the partner's (if on this installation), locked
    in id order."""
    mine = await HubLink.get_or_none(id=link_id, hub_id=actor.hub_id)
    if mine is None:
        raise DomainError(E.NOT_FOUND, _("No such link."), "linkId")
    rows = await other_side(mine).order_by("id").select_for_update()
    mine = next(r for r in rows if r.id == link_id)
    theirs = next((r for r in rows if r.id != link_id), None)
    return mine, theirs


async def _record(actor: Actor, action: str, rows: list[HubLink], **data: Any) -> None:
    for row in rows:
        await audit.record(
            actor=actor if row.hub_id == actor.hub_id else None,
            hub_id=row.hub_id,
            action=action,
            object_type="HubLink",
            object_id=row.id,
            data={"pair": str(row.pair), "by_hub_id": actor.hub_id, **data},
        )


async def propose(
    *,
    actor: Actor,
    partner_slug: str,
    rate_numerator: int = 1,
    rate_denominator: int = 1,
    credit_limit: int = 0,
    partner_credit_limit: int = 0,
    categories: list[str] | None = None,
) -> HubLink:
    """A link offered to another hub of this installation: the rate (one credit here is
    numerator/denominator of theirs), the credit this hub extends to the partner's members,
    the credit asked of the partner (their admins may change it), allowed categories."""
    require_hub_admin(actor)
    numerator, denominator = rates.reduced(rate_numerator, rate_denominator)
    check_limit(credit_limit, "creditLimit")
    check_limit(partner_credit_limit, "partnerCreditLimit")
    allowed = check_categories(categories or [])
    partner = await Hub.get_or_none(slug=partner_slug.strip().lower())
    if partner is None:
        raise DomainError(E.NOT_FOUND, _("No hub with that slug here."), "partnerHubSlug")
    if partner.id == actor.hub_id:
        raise DomainError(E.INVALID, _("A hub cannot link to itself."), "partnerHubSlug")
    hub = await Hub.get(id=actor.hub_id)
    async with in_transaction():
        await _lock_pairs((hub.id, partner.id))
        existing = await HubLink.filter(hub_id=hub.id, partner_slug=partner.slug).first()
        if existing is not None and existing.status != LinkStatus.DECLINED:
            raise DomainError(
                E.ALREADY_LINKED, _("This hub has a link with that hub already."), "partnerHubSlug"
            )
        pair = uuid.uuid4()
        if existing is not None:  # proposed again after a decline: the same rows, new terms
            await other_side(existing).delete()
        mine = await HubLink.create(
            hub_id=hub.id,
            partner_hub_id=partner.id,
            partner_name=partner.name,
            partner_slug=partner.slug,
            pair=pair,
            status=LinkStatus.PROPOSED,
            rate_numerator=numerator,
            rate_denominator=denominator,
            credit_limit=credit_limit,
            allowed_categories=allowed,
            proposed_by_id=actor.member_id,
        )
        theirs = await HubLink.create(
            hub_id=partner.id,
            partner_hub_id=hub.id,
            partner_name=hub.name,
            partner_slug=hub.slug,
            pair=pair,
            status=LinkStatus.INVITED,
            rate_numerator=denominator,
            rate_denominator=numerator,
            credit_limit=partner_credit_limit,
            allowed_categories=allowed,
            proposed_by_id=actor.member_id,
        )
        await _record(actor, "federation.propose", [mine, theirs])
    return mine


async def _open_clearing(row: HubLink) -> Account:
    account, _created = await Account.get_or_create(
        hub_id=row.hub_id,
        link_id=row.id,
        defaults={"kind": AccountKind.CLEARING, "overdraft_limit": row.credit_limit},
    )
    return account


async def accept(*, actor: Actor, link_id: int) -> HubLink:
    """The invited hub's admin agrees: both sides active, each with its clearing account."""
    require_hub_admin(actor)
    async with in_transaction():
        mine, theirs = await both_sides(actor, link_id)
        if mine.status != LinkStatus.INVITED or theirs is None:
            raise DomainError(E.NOT_PENDING, _("This link is not waiting for you."), "linkId")
        now = datetime.now(UTC)
        for row in (mine, theirs):
            row.status, row.decided_at = LinkStatus.ACTIVE, now
            await row.save(update_fields=["status", "decided_at", "updated_at"])
            await _open_clearing(row)
        await _record(actor, "federation.accept", [mine, theirs])
    return mine


async def decline(*, actor: Actor, link_id: int) -> HubLink:
    """The invited hub's admin says no, or the proposing hub's admin withdraws."""
    require_hub_admin(actor)
    async with in_transaction():
        mine, theirs = await both_sides(actor, link_id)
        if mine.status not in (LinkStatus.INVITED, LinkStatus.PROPOSED):
            raise DomainError(E.NOT_PENDING, _("This link is not waiting for an answer."), "linkId")
        rows = [r for r in (mine, theirs) if r is not None]
        for row in rows:
            row.status, row.decided_at = LinkStatus.DECLINED, datetime.now(UTC)
            await row.save(update_fields=["status", "decided_at", "updated_at"])
        await _record(actor, "federation.decline", rows)
    return mine


async def set_paused(*, actor: Actor, link_id: int, paused: bool) -> HubLink:
    """Either side's admin pauses an active link (no payment either way) or resumes it."""
    require_hub_admin(actor)
    want, was = (
        (LinkStatus.PAUSED, LinkStatus.ACTIVE) if paused else (LinkStatus.ACTIVE, LinkStatus.PAUSED)
    )
    async with in_transaction():
        mine, theirs = await both_sides(actor, link_id)
        if mine.status == want:
            return mine
        if mine.status != was:
            raise DomainError(
                E.LINK_NOT_ACTIVE,
                _("The link is {status}.", status=STATUS_NAMES[mine.status]),
                "linkId",
            )
        rows = [r for r in (mine, theirs) if r is not None]
        for row in rows:
            row.status = want
            await row.save(update_fields=["status", "updated_at"])
        await _record(actor, "federation.pause" if paused else "federation.resume", rows)
    if not paused:
        await _release_held(mine, theirs)
    return mine


async def _release_held(*rows: HubLink | None) -> None:
    """Guests' earnings the link held (paused, over its limit) cross now if it accepts them
    (app/federation/guests.py), after the change committed."""
    from app.federation import guests

    for row in rows:
        if row is not None:
            await guests.release_held(hub_id=row.hub_id, link_id=row.id)


async def set_credit_limit(*, actor: Actor, link_id: int, credit_limit: int) -> HubLink:
    """This hub's limit: how far its clearing account for the partner may go below zero. A
    lowered limit keeps what is owed already, but no payment adds to it (the ledger's rule)."""
    require_hub_admin(actor)
    check_limit(credit_limit, "creditLimit")
    async with in_transaction():
        mine, theirs = await both_sides(actor, link_id)
        if mine.status == LinkStatus.DECLINED:
            raise DomainError(E.LINK_NOT_ACTIVE, _("The link was declined."), "linkId")
        previous = mine.credit_limit
        mine.credit_limit = credit_limit
        await mine.save(update_fields=["credit_limit", "updated_at"])
        await Account.filter(hub_id=mine.hub_id, link_id=mine.id).update(
            overdraft_limit=credit_limit
        )
        await _record(actor, "federation.credit_limit", [mine], previous=previous, to=credit_limit)
    if credit_limit > previous:
        await _release_held(mine, theirs)
    return mine


async def links_of(*, actor: Actor) -> list[HubLink]:
    """The hub's links (hub admins), partner by name, each with its clearing balance."""
    require_hub_admin(actor)
    rows = await HubLink.filter(hub_id=actor.hub_id).order_by("partner_name", "id")
    await attach_clearing(rows)
    return rows


async def attach_clearing(rows: list[HubLink]) -> None:
    """Sets `clearing` (the clearing account or None) on each row, in one statement."""
    if not rows:
        return
    accounts = await Account.filter(link_id__in=[r.id for r in rows])
    by_link = {a.link_id: a for a in accounts}
    for row in rows:
        row.clearing = by_link.get(row.id)  # type: ignore[attr-defined]
