"""The hub's problem categories, and which organisation takes a category where."""

import h3
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.civic.errors import CivicErrorCode as E
from app.civic.problems.models import ProblemCategory, ProblemRoute
from app.civic.settings import require_hub_admin
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import Organisation

MAX_ROUTE_CELLS = 2000
ROUTE_RESOLUTION = 7


async def create_category(
    *, actor: Actor, slug: str, name: str, group: str = ""
) -> ProblemCategory:
    require_hub_admin(actor)
    slug = v.slug(slug, field="slug", invalid=E.INVALID)
    name = v.text(name, field="name", max_length=120, invalid=E.INVALID)
    group = v.text(group, field="group", max_length=60, invalid=E.INVALID, required=False)
    try:
        async with in_transaction():
            category = await ProblemCategory.create(
                hub_id=actor.hub_id, slug=slug, name=name, group=group
            )
            await audit.record(
                actor=actor, hub_id=actor.hub_id, action="civic.problem_category",
                object_type="ProblemCategory", object_id=category.id,
            )  # fmt: skip
    except IntegrityError as exc:
        raise DomainError(
            E.ALREADY_EXISTS, _("The hub has a category with this slug."), "slug"
        ) from exc
    return category


async def category_of(
    hub_id: int, category_id: int, field: str = "problemCategoryId"
) -> ProblemCategory:
    found = await ProblemCategory.get_or_none(id=category_id, hub_id=hub_id)
    if found is None:
        raise DomainError(E.NOT_FOUND, _("No such problem category."), field)
    return found


async def add_route(
    *, actor: Actor, category_id: int, organisation_id: int, cells: list[str]
) -> ProblemRoute:
    """The organisation takes the category's reports in these resolution-7 cells (none: the
    whole hub). The most specific route wins (a route with cells before one without)."""
    require_hub_admin(actor)
    await category_of(actor.hub_id, category_id)
    if not await Organisation.exists(id=organisation_id, hub_id=actor.hub_id):
        raise DomainError(E.NOT_FOUND, _("No such organisation."), "organisationId")
    if len(cells) > MAX_ROUTE_CELLS:
        raise DomainError(E.INVALID, _("At most {n} cells.", n=MAX_ROUTE_CELLS), "cells")
    for cell in cells:
        if not h3.is_valid_cell(cell) or h3.get_resolution(cell) != ROUTE_RESOLUTION:
            raise DomainError(E.INVALID, _("Cells are H3 cells of resolution 7."), "cells")
    async with in_transaction():
        route = await ProblemRoute.create(
            hub_id=actor.hub_id, category_id=category_id, organisation_id=organisation_id,
            cells=sorted(set(cells)),
        )  # fmt: skip
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.problem_route",
            object_type="ProblemRoute", object_id=route.id,
            data={"category_id": category_id, "organisation_id": organisation_id},
        )  # fmt: skip
    return route


async def responsible_organisation(hub_id: int, category_id: int, cell7: str) -> int | None:
    """The organisation that takes the category at this cell; None: the council."""
    routes = await ProblemRoute.filter(hub_id=hub_id, category_id=category_id).order_by("id")
    for route in routes:
        if route.cells and cell7 in route.cells:
            return route.organisation_id
    for route in routes:
        if not route.cells:
            return route.organisation_id
    return None
