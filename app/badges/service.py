"""Defining a hub's badges and levels, the default set, and a holder's standing (badges, points,
level)."""

from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.badges.defaults import DEFAULT_BADGES, DEFAULT_LEVELS
from app.badges.errors import BadgeErrorCode as E
from app.badges.metrics import NARROWABLE, ORGANISATION_METRICS, Metric
from app.badges.models import BadgeClass, HolderKind, Level, Period
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.opportunities.models import Category
from app.people.models import Role, Skill


@dataclass(frozen=True)
class BadgeInput:
    name: str
    description: str
    metric: str
    threshold: int
    points: int = 10
    holder_kind: HolderKind = HolderKind.MEMBER
    period: Period = Period.ALL_TIME
    category_id: int | None = None
    skill_id: int | None = None
    slug: str | None = None
    colour: str = "#2e7d32"


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only the hub's admins define badges and levels."), None)


async def _checked(actor: Actor, given: BadgeInput) -> dict[str, Any]:
    """The badge's columns, or every fault at once (nothing is written)."""
    bag = ErrorBag()
    found: dict[str, Any] = {}
    with bag.catch():
        found["name"] = v.text(given.name, field="name", max_length=80, invalid=E.INVALID)
    with bag.catch():
        found["description"] = v.text(
            given.description, field="description", max_length=500, invalid=E.INVALID
        )
    with bag.catch():
        found["slug"] = v.slug(given.slug or v.slugify(given.name), field="slug", invalid=E.INVALID)
    metric: Metric | None = None
    if given.metric not in Metric.__members__.values():
        known = ", ".join(m.value for m in Metric)
        bag.add(E.UNKNOWN_METRIC, _("Unknown metric. Known: {known}.", known=known), "metric")
    else:
        metric = Metric(given.metric)
        found["metric"] = metric.value
        if given.holder_kind == HolderKind.ORGANISATION and metric not in ORGANISATION_METRICS:
            bag.add(E.NOT_FOR_HOLDER, _("Organisations have no such record."), "metric")
        if (given.category_id or given.skill_id) and metric not in NARROWABLE:
            bag.add(E.INVALID, _("Only hours metrics narrow to a category or skill."), "metric")
    if given.threshold < 0:
        bag.add(E.NEGATIVE_THRESHOLD, _("A threshold cannot be negative."), "threshold")
    elif given.threshold > 1_000_000_000:
        bag.add(E.INVALID, _("Too large."), "threshold")
    with bag.catch():
        v.int_range(given.points, field="points", low=0, high=100_000, invalid=E.INVALID)
    if not (len(given.colour) == 7 and given.colour[0] == "#"):
        bag.add(E.INVALID, _("A colour is #rrggbb."), "colour")
    else:
        try:
            int(given.colour[1:], 16)
        except ValueError:
            bag.add(E.INVALID, _("A colour is #rrggbb."), "colour")
    if given.category_id is not None and not await Category.exists(
        id=given.category_id, hub_id=actor.hub_id
    ):
        bag.add(E.NOT_FOUND, _("No such category in this hub."), "categoryId")
    if given.skill_id is not None and not await Skill.exists(
        id=given.skill_id, hub_id=actor.hub_id
    ):
        bag.add(E.NOT_FOUND, _("No such skill in this hub."), "skillId")
    bag.raise_if_any()
    return found | {
        "threshold": given.threshold,
        "points": given.points,
        "holder_kind": given.holder_kind,
        "period": given.period,
        "category_id": given.category_id,
        "skill_id": given.skill_id,
        "colour": given.colour.lower(),
    }


async def create_badge_class(*, actor: Actor, given: BadgeInput) -> BadgeClass:
    """A hub admin defines a badge (a rule and its points). UNKNOWN_METRIC,
    NEGATIVE_THRESHOLD, NOT_FOR_HOLDER, DUPLICATE_NAME: nothing written."""
    _require_admin(actor)
    columns = await _checked(actor, given)
    try:
        async with in_transaction():
            badge = await BadgeClass.create(hub_id=actor.hub_id, **columns)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="badge_class.create",
                object_type="BadgeClass",
                object_id=badge.id,
                data={"metric": badge.metric, "threshold": badge.threshold},
            )
    except IntegrityError as exc:
        raise DomainError(E.DUPLICATE_NAME, _("A badge with this slug exists."), "slug") from exc
    return badge


async def create_level(*, actor: Actor, name: str, min_points: int) -> Level:
    _require_admin(actor)
    name = v.text(name, field="name", max_length=60, invalid=E.INVALID)
    if min_points < 0:
        raise DomainError(E.NEGATIVE_THRESHOLD, _("Points cannot be negative."), "minPoints")
    try:
        async with in_transaction():
            level = await Level.create(hub_id=actor.hub_id, name=name, min_points=min_points)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="badge_level.create",
                object_type="Level",
                object_id=level.id,
            )
    except IntegrityError as exc:
        raise DomainError(
            E.DUPLICATE_NAME, _("A level with this name or points exists."), "name"
        ) from exc
    return level


async def ensure_defaults(hub_id: int) -> int:
    """The default badges and levels (app/badges/defaults.py) for a hub, those it lacks only
    (by slug and name); returns how many were added. Run for a new hub, and for existing
    hubs by migration 0019 and `communityhub badge-defaults`."""
    conn = Tortoise.get_connection("default")
    added = 0
    for b in DEFAULT_BADGES:
        count, _ = await conn.execute_query(
            "INSERT INTO badge_class (hub_id, slug, name, description, holder_kind, metric,"
            " threshold, period, points, colour, active, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, 'all_time', $8, $9, true, now(), now())"
            " ON CONFLICT (hub_id, slug) DO NOTHING",
            [
                hub_id,
                b.slug,
                b.name,
                b.description,
                b.holder_kind.value,
                b.metric.value,
                b.threshold,
                b.points,
                b.colour,
            ],
        )
        added += int(count)
    for name, points in DEFAULT_LEVELS:
        count, _ = await conn.execute_query(
            "INSERT INTO badge_level (hub_id, name, min_points, created_at)"
            " VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING",
            [hub_id, name, points],
        )
        added += int(count)
    return added
