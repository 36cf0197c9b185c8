"""The hub's opportunity categories (managed by hub admins)."""

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Category
from app.people.models import Role


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
        raise DomainError(E.INVALID, "A category with this slug exists.", "slug") from exc
    return category
