"""createProblemCategory: a hub admin adds a problem category (its slug is the Open311 code)."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.problems import categories
from schema.civic.mutations.payloads import ProblemCategoryPayload
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CreateProblemCategoryInput:
    slug: str
    name: str
    group: str = ""


@errors_as_data(CivicError, E, ProblemCategoryPayload)
async def create_problem_category(
    input: CreateProblemCategoryInput, info: Info
) -> ProblemCategoryPayload:
    """ALREADY_EXISTS: the hub has a category with this slug."""
    created = await categories.create_category(
        actor=info.context.require_actor(), slug=input.slug, name=input.name, group=input.group
    )
    return ProblemCategoryPayload(category=created)  # type: ignore[arg-type]
