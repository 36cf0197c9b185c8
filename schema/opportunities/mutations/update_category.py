"""updateCategory: hub admins rename a category of the hub (and change its slug if they wish)."""

import strawberry

from app.opportunities import categories
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.types import Category, OpportunityError
from schema.relay import decode_id


@strawberry.input
class UpdateCategoryInput:
    category_id: strawberry.ID
    name: str | None = strawberry.field(default=None, description="Left out: unchanged.")
    slug: str | None = strawberry.field(default=None, description="Left out: unchanged.")


@strawberry.type
class UpdateCategoryPayload:
    category: Category | None = None
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


@errors_as_data(OpportunityError, OpportunityErrorCode, UpdateCategoryPayload)
async def update_category(input: UpdateCategoryInput, info: Info) -> UpdateCategoryPayload:
    """Renames a category (hub admins); its opportunities keep it."""
    category = await categories.update_category(
        actor=info.context.require_actor(),
        category_id=decode_id(
            input.category_id, "Category", field="categoryId", invalid=OpportunityErrorCode.INVALID
        ),
        name=input.name,
        slug=input.slug,
    )
    return UpdateCategoryPayload(category=category)  # type: ignore[arg-type]
