"""deleteSavedSearch: stop hearing about a kept search."""

import strawberry

from app.matching import saved_searches
from app.opportunities.errors import OpportunityErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.types import OpportunityError
from schema.relay import decode_id


@strawberry.input
class DeleteSavedSearchInput:
    saved_search_id: strawberry.ID


@strawberry.type
class DeleteSavedSearchPayload:
    ok: bool = False
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


@errors_as_data(OpportunityError, E, DeleteSavedSearchPayload)
async def delete_saved_search(
    input: DeleteSavedSearchInput, info: Info
) -> DeleteSavedSearchPayload:
    """Only your own."""
    await saved_searches.delete_search(
        actor=info.context.require_actor(),
        search_id=decode_id(
            input.saved_search_id, "SavedSearch", field="savedSearchId", invalid=E.INVALID
        ),
    )
    return DeleteSavedSearchPayload(ok=True)
