"""Giving badges: by the rule engine (an event's holders, or the whole hub at night) and by hand,
and revoking them. Exactly once per badge and holder: the unique constraints
badge_award_member_uniq / badge_award_organisation_uniq, with INSERT ... ON CONFLICT DO NOTHING,
whatever duplicate or concurrent jobs run. A revoked award stays (revoked): no rule gives the
badge back to that holder.

Awards are written set-based; the holders are told by the notify job (app/badges/notify.py),
which takes the awards not yet told in chunks.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import jobs, validation
from app.actor import Actor
from app.audit import service as audit
from app.badges.errors import BadgeErrorCode as E
from app.badges.metrics import Metric, Params, Rule, values_sql
from app.badges.models import Award, BadgeClass, HolderKind
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import Organisation
from app.people.models import Member, Role

NOTIFY_JOB = "badges.notify"


def rule_of(badge: BadgeClass) -> Rule:
    return Rule(
        metric=Metric(badge.metric),
        threshold=badge.threshold,
        holder_kind=HolderKind(badge.holder_kind),
        category_id=badge.category_id,
        skill_id=badge.skill_id,
        period=badge.period,
    )


def award_sql(badge: BadgeClass, *, now: datetime, holders: list[int] | None) -> tuple[str, list]:
    """One statement: every holder (of the hub, or of `holders`) whose value reaches the
    badge's threshold and has no award of it yet gets one. Returns the count written."""
    q = Params()
    hub, badge_id, threshold = q.p(badge.hub_id), q.p(badge.id), q.p(badge.threshold)
    at = q.p(now)
    kind = HolderKind(badge.holder_kind)
    column = f"{kind.value}_id"
    values = values_sql(q, rule_of(badge), hub=hub, now=now, holders=holders)
    member, organisation = (
        ("v.holder_id", "NULL") if kind == HolderKind.MEMBER else ("NULL", "v.holder_id")
    )
    sql = (
        f"WITH v AS ({values}), new AS ("
        " INSERT INTO badge_award (hub_id, badge_class_id, holder_kind, member_id,"
        "  organisation_id, uid, salt, awarded_at, revocation_reason, created_at)"
        f" SELECT {hub}, {badge_id}, '{kind.value}', {member}, {organisation},"
        f"  gen_random_uuid(), replace(gen_random_uuid()::text, '-', ''), {at}, '', {at}"
        f" FROM v WHERE v.value >= {threshold} AND NOT EXISTS (SELECT 1 FROM badge_award a"
        f"  WHERE a.hub_id = {hub} AND a.badge_class_id = {badge_id}"
        f"  AND a.{column} = v.holder_id)"
        " ON CONFLICT DO NOTHING RETURNING id)"
        " SELECT count(*) AS n FROM new"
    )
    return sql, q.values


async def award_by_rule(
    badge: BadgeClass, *, now: datetime | None = None, holders: list[int] | None = None
) -> int:
    """Awards `badge` to whoever (of `holders`, or of the hub) reaches it; returns how many."""
    if not badge.active or holders == []:
        return 0
    sql, params = award_sql(badge, now=now or datetime.now(UTC), holders=holders)
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, params)
    return int(rows[0]["n"])


@dataclass(frozen=True)
class Holders:
    """Who an event concerns, and which metrics it can have changed."""

    metrics: frozenset[Metric]
    members: tuple[int, ...] = ()
    organisations: tuple[int, ...] = ()


async def evaluate(*, hub_id: int, holders: Holders, key: str) -> int:
    """The event's holders against the hub's active badges over the changed metrics; the new
    awards' holders are told by one notify job (keyed by the event). Returns awards made."""
    badges = await BadgeClass.filter(
        hub_id=hub_id, active=True, metric__in=[m.value for m in holders.metrics]
    ).order_by("id")
    made = 0
    async with in_transaction():
        for badge in badges:
            ids = (
                holders.members if badge.holder_kind == HolderKind.MEMBER else holders.organisations
            )
            made += await award_by_rule(badge, holders=list(ids))
        if made:
            await jobs.enqueue(NOTIFY_JOB, {"hub_id": hub_id}, key=f"{NOTIFY_JOB}:{key}")
    return made


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only the hub's admins give and revoke badges."), None)


async def _badge(actor: Actor, badge_class_id: int) -> BadgeClass:
    badge = await BadgeClass.get_or_none(id=badge_class_id, hub_id=actor.hub_id)
    if badge is None:
        raise DomainError(E.NOT_FOUND, _("No such badge in this hub."), "badgeClassId")
    return badge


async def _holder(
    actor: Actor, badge: BadgeClass, member_id: int | None, organisation_id: int | None
) -> dict[str, int]:
    """The award's holder column, checked: one of the badge's kind, in the actor's hub."""
    if (member_id is None) == (organisation_id is None):
        raise DomainError(E.INVALID, _("Give either a member or an organisation."), "memberId")
    if member_id is not None:
        if badge.holder_kind != HolderKind.MEMBER:
            raise DomainError(E.NOT_FOR_HOLDER, _("This badge is for organisations."), "memberId")
        if not await Member.exists(id=member_id, hub_id=actor.hub_id):
            raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "memberId")
        return {"member_id": member_id}
    if badge.holder_kind != HolderKind.ORGANISATION:
        raise DomainError(E.NOT_FOR_HOLDER, _("This badge is for members."), "organisationId")
    if not await Organisation.exists(id=organisation_id, hub_id=actor.hub_id):
        raise DomainError(E.NOT_FOUND, _("No such organisation in this hub."), "organisationId")
    return {"organisation_id": organisation_id}  # type: ignore[dict-item]


async def award_by_hand(
    *,
    actor: Actor,
    badge_class_id: int,
    member_id: int | None = None,
    organisation_id: int | None = None,
) -> Award:
    """A hub admin gives a badge to a holder. ALREADY_AWARDED: they have it (or had it and it
    was revoked); nothing is written then."""
    _require_admin(actor)
    badge = await _badge(actor, badge_class_id)
    holder = await _holder(actor, badge, member_id, organisation_id)
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            award = await Award.create(
                hub_id=actor.hub_id,
                badge_class_id=badge.id,
                holder_kind=badge.holder_kind,
                uid=uuid4(),
                salt=uuid4().hex,
                awarded_at=now,
                awarded_by_id=actor.member_id,
                member_id=holder.get("member_id"),
                organisation_id=holder.get("organisation_id"),
            )
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="badge.award",
                object_type="Award",
                object_id=award.id,
                data={"badge_class_id": badge.id, **holder},
            )
            await jobs.enqueue(
                NOTIFY_JOB, {"hub_id": actor.hub_id}, key=f"{NOTIFY_JOB}:award:{award.id}"
            )
    except IntegrityError as exc:
        raise DomainError(
            E.ALREADY_AWARDED, _("This holder has (or had) this badge already."), "badgeClassId"
        ) from exc
    return award


async def revoke(
    *,
    actor: Actor,
    badge_class_id: int,
    reason: str,
    member_id: int | None = None,
    organisation_id: int | None = None,
) -> Award:
    """A hub admin revokes a holder's badge, with a reason (audited; shown in the Open Badges
    revocation list). NOT_AWARDED: the holder never had it; ALREADY_REVOKED."""
    _require_admin(actor)
    reason = validation.text(reason, field="reason", max_length=500, invalid=E.INVALID)
    badge = await _badge(actor, badge_class_id)
    holder = await _holder(actor, badge, member_id, organisation_id)
    async with in_transaction():
        award = (
            await Award.filter(hub_id=actor.hub_id, badge_class_id=badge.id, **holder)
            .select_for_update()
            .first()
        )
        if award is None:
            raise DomainError(E.NOT_AWARDED, _("This holder does not have this badge."), None)
        if award.revoked_at is not None:
            raise DomainError(E.ALREADY_REVOKED, _("This award was revoked already."), None)
        award.revoked_at = datetime.now(UTC)
        award.revoked_by_id = actor.member_id
        award.revocation_reason = reason
        await award.save(update_fields=["revoked_at", "revoked_by_id", "revocation_reason"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="badge.revoke",
            object_type="Award",
            object_id=award.id,
            data={"badge_class_id": badge.id, "reason": reason, **holder},
        )
    return award
