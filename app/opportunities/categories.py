"""The hub's opportunity categories: a default set with every new hub, then the admins' own.

Every hub starts with DEFAULT_CATEGORIES (created with the hub, `app.hubs.service.create_hub`),
so that members can post from day one. Hub admins rename them (`updateCategory`: the name, and
the slug if they wish) and add more (`createCategory`); opportunities keep their category
through a rename.
"""

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import SOURCE, SUPPORTED, _, localize
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Category
from app.people.models import Role

# (slug, name) of the categories every new hub starts with; their names in Italian and Spanish
# come from the catalogues (hub admins may change them: setNameTranslation).
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("care", _("Care and befriending")),
    ("food-support", _("Food support")),
    ("environment", _("Environment and gardening")),
    ("getting-around", _("Transport and errands")),
    ("digital", _("Digital help")),
    ("learning", _("Learning and tutoring")),
    ("home-and-repairs", _("Home and repairs")),
    ("community-events", _("Community events")),
    ("other", _("Something else")),
)


def _translated(name: str) -> dict[str, str]:
    """A default category's name in the other languages, from the catalogues."""
    return {loc: localize(name, loc) for loc in SUPPORTED if loc != SOURCE}


async def create_defaults(hub_id: int) -> list[Category]:
    """Adds the default categories the hub does not have yet (by slug); returns those added."""
    existing = set(await Category.filter(hub_id=hub_id).values_list("slug", flat=True))
    missing = [
        Category(hub_id=hub_id, slug=slug, name=str(name), name_translations=_translated(name))
        for slug, name in DEFAULT_CATEGORIES
        if slug not in existing
    ]
    if missing:
        await Category.bulk_create(missing)
    return missing


async def create_category(*, actor: Actor, name: str, slug: str | None = None) -> Category:
    """Adds a category to the hub (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    slug = v.slug(slug, field="slug", invalid=E.INVALID) if slug else v.slugify(name)
    try:
        async with in_transaction():
            category = await Category.create(hub_id=actor.hub_id, name=name, slug=slug)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="category.create",
                object_type="Category",
                object_id=category.id,
            )
    except IntegrityError as exc:
        raise DomainError(E.INVALID, _("A category with this slug exists."), "slug") from exc
    return category


async def update_category(
    *, actor: Actor, category_id: int, name: str | None = None, slug: str | None = None
) -> Category:
    """Renames a category of the hub, and changes its slug if asked (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    if slug is not None:
        changes["slug"] = v.slug(slug, field="slug", invalid=E.INVALID)
    try:
        async with in_transaction():
            category = await Category.select_for_update().get_or_none(
                id=category_id, hub_id=actor.hub_id
            )
            if category is None:
                raise DomainError(E.NOT_FOUND, _("No such category."), "categoryId")
            if changes:
                await Category.filter(id=category.id).update(**changes)
                await category.refresh_from_db()
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="category.update",
                object_type="Category",
                object_id=category.id,
                data=changes,
            )
    except IntegrityError as exc:
        raise DomainError(E.INVALID, _("A category with this slug exists."), "slug") from exc
    return category
