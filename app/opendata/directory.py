"""The hub's public directory, as the anonymous viewer may see it: organisations and the open
opportunities they post, each page in a fixed number of statements.

Which rows and which of their fields appear is the policy table's answer for an anonymous
viewer of the hub (`visible` for rows, each field's own rule for the fields): a draft never
appears, nor an organisation's contact email (signed-in members only), nor an opportunity's
exact place, address or contact details (its participants only). The feeds choose only
*which* visible rows they are about (open opportunities, organisations' rather than members').
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.opendata.common import Paging
from app.opportunities.models import Category, Opportunity, OpportunityKind, OpportunityStatus
from app.organisations.models import Organisation
from app.policy import Viewer, row_policy, visible


def anonymous(hub_id: int) -> Viewer:
    return Viewer.of(None, hub_id)


async def seen_fields(
    viewer: Viewer, type_name: str, names: Sequence[str], rows: Sequence[Any]
) -> list[set[str]]:
    """For each row, which of `names` (API field names) the viewer may read: public fields,
    and those whose own rule allows it."""
    entry = row_policy(type_name)
    allowed: list[set[str]] = [set() for _ in rows]
    for name in names:
        rule = entry.rule_of(name)
        answers = [True] * len(rows) if rule is None else await rule.check_many(viewer, rows)
        for seen, yes in zip(allowed, answers, strict=True):
            if yes:
                seen.add(name)
    return allowed


async def organisations(viewer: Viewer) -> QuerySet[Organisation]:
    return await visible(viewer, "Organisation", Organisation.filter(hub_id=viewer.hub_id))


def _open() -> Q:
    now = datetime.now(UTC)
    return Q(status=OpportunityStatus.PUBLISHED) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


async def open_opportunities(
    viewer: Viewer,
    *,
    kinds: Sequence[OpportunityKind] = (OpportunityKind.OFFER, OpportunityKind.REQUEST),
    organisation_id: int | None = None,
    modified_after: datetime | None = None,
    placed: bool = False,
) -> QuerySet[Opportunity]:
    """Open opportunities posted by organisations (a member's own postings are not part of the
    directory), visible to the viewer; `placed`: those with a public area or remote."""
    query = Opportunity.filter(
        _open(), hub_id=viewer.hub_id, organisation_id__isnull=False, kind__in=list(kinds)
    )
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    if modified_after is not None:
        query = query.filter(updated_at__gte=modified_after)
    if placed:
        query = query.filter(Q(cell8__isnull=False) | Q(remote=True) | ~Q(area_name=""))
    return await visible(viewer, "Opportunity", query)


@dataclass
class Page:
    """A page of opportunities with what their feeds show of them, loaded at once."""

    total: int
    opportunities: list[Opportunity]
    organisations: dict[int, Organisation] = field(default_factory=dict)
    categories: dict[int, Category] = field(default_factory=dict)
    skills: dict[int, list[str]] = field(default_factory=dict)
    hidden: dict[int, set[str]] = field(default_factory=dict)  # per opportunity: fields not seen


OPPORTUNITY_FIELDS = ("location", "address", "contactDetails", "areaName", "areaCell", "minAge")


async def opportunity_page(
    viewer: Viewer, query: QuerySet[Opportunity], page: Paging | None, *, skills: bool = False
) -> Page:
    """The page (or, with `page` None, every row) of `query` by id, with the organisations and
    categories it names (and its skills' names): four statements, five with skills."""
    total = await query.count() if page is not None else -1
    rows = query.order_by("id")
    if page is not None:
        rows = rows.offset(page.offset).limit(page.per_page)
    found = await rows
    result = Page(total=total if page is not None else len(found), opportunities=found)
    await _complete(viewer, result, skills=skills)
    return result


async def _complete(viewer: Viewer, result: Page, *, skills: bool) -> None:
    found = result.opportunities
    if not found:
        return
    org_ids = sorted({o.organisation_id for o in found if o.organisation_id is not None})
    orgs = await (await organisations(viewer)).filter(id__in=org_ids)
    result.organisations = {o.id: o for o in orgs}
    categories = await Category.filter(
        hub_id=viewer.hub_id, id__in=sorted({o.category_id for o in found})
    )
    result.categories = {c.id: c for c in categories}
    if skills:
        result.skills = await _skill_names(viewer.hub_id, [o.id for o in found])
    seen = await seen_fields(viewer, "Opportunity", OPPORTUNITY_FIELDS, found)
    result.hidden = {o.id: set(OPPORTUNITY_FIELDS) - s for o, s in zip(found, seen, strict=True)}
    # An opportunity whose organisation the viewer may not see is not shown either.
    result.opportunities = [o for o in found if o.organisation_id in result.organisations]


async def _skill_names(hub_id: int | None, opportunity_ids: list[int]) -> dict[int, list[str]]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT l.opportunity_id AS id, s.name FROM opportunity_skill l"
        " JOIN skill s ON s.id = l.skill_id AND s.hub_id = l.hub_id"
        " WHERE l.hub_id = $1 AND l.opportunity_id = ANY($2::bigint[]) ORDER BY s.name",
        [hub_id, opportunity_ids],
    )
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(row["id"], []).append(row["name"])
    return names


async def last_updated(hub_id: int) -> datetime | None:
    """When the directory last changed: the latest change of an organisation or of an
    organisation's opportunity (in any state, so one leaving the feed counts too)."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT GREATEST((SELECT max(updated_at) FROM organisation WHERE hub_id = $1),"
        " (SELECT max(updated_at) FROM opportunity WHERE hub_id = $1"
        " AND organisation_id IS NOT NULL)) AS at",
        [hub_id],
    )
    at: datetime | None = rows[0]["at"] if rows else None
    return at
