"""saveSearch: keep a search ('gardening within 3 km at weekends') and hear of new matches."""

import strawberry

from app.matching import saved_searches
from app.opportunities.errors import OpportunityErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.matching.types import SavedSearch
from schema.opportunities.types import OpportunityError, OpportunityKind
from schema.relay import decode_id


@strawberry.input
class SaveSearchInput:
    name: str
    text: str = strawberry.field(
        default="",
        description="Words a new listing must have: each must begin a word of its title,"
        " description or area, in any case ('garden' finds 'Gardening').",
    )
    category_ids: list[strawberry.ID] | None = None
    skill_ids: list[strawberry.ID] | None = None
    kind: OpportunityKind | None = None  # type: ignore[valid-type]
    within_km: float | None = strawberry.field(default=None, description="From your home.")
    weekdays: list[int] | None = strawberry.field(default=None, description="1 = Monday ... 7.")


@strawberry.type
class SaveSearchPayload:
    saved_search: SavedSearch | None = None
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


@errors_as_data(OpportunityError, E, SaveSearchPayload)
async def save_search(input: SaveSearchInput, info: Info) -> SaveSearchPayload:
    """At most 20 per member; matches arrive in your digest."""
    search = await saved_searches.save_search(
        actor=info.context.require_actor(),
        name=input.name,
        text=input.text,
        category_ids=[
            decode_id(i, "Category", field="categoryIds", invalid=E.INVALID)
            for i in input.category_ids or []
        ],
        skill_ids=[
            decode_id(i, "Skill", field="skillIds", invalid=E.INVALID)
            for i in input.skill_ids or []
        ],
        kind=input.kind.value if input.kind else None,
        within_km=input.within_km,
        weekdays=input.weekdays,
    )
    return SaveSearchPayload(saved_search=search)  # type: ignore[arg-type]
