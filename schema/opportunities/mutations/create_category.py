"""createCategory: hub admins add to the hub's list of opportunity categories."""

import strawberry

from app.opportunities import categories
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.types import Category, OpportunityError


@strawberry.input
class CreateCategoryInput:
    name: str
    slug: str | None = None


@strawberry.type
class CreateCategoryPayload:
    category: Category | None = None
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


@errors_as_data(OpportunityError, OpportunityErrorCode, CreateCategoryPayload)
async def create_category(input: CreateCategoryInput, info: Info) -> CreateCategoryPayload:
    """Adds a category (hub admins)."""
    category = await categories.create_category(
        actor=info.context.require_actor(), name=input.name, slug=input.slug
    )
    return CreateCategoryPayload(category=category)  # type: ignore[arg-type]
