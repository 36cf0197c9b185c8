"""Organisation queries: public within the request's hub (signed in, or the CH-Hub header)."""

from collections.abc import AsyncIterable

import strawberry
from strawberry import relay

from app.errors import DomainError
from app.organisations import service
from app.organisations.models import Organisation as OrganisationModel
from schema.context import Info
from schema.errors import BadInput
from schema.organisations.loaders import BoundedQuery, NoRows
from schema.organisations.types import Organisation, OrganisationKind
from schema.relay import Page


@strawberry.type
class OrganisationQueries:
    @strawberry.field(description="An organisation of the request's hub by its slug.")
    async def organisation(self, info: Info, slug: str) -> Organisation | None:
        hub_id = info.context.hub_id
        if hub_id is None:
            return None
        return await service.get_by_slug(hub_id=hub_id, slug=slug)  # type: ignore[return-value]

    @relay.connection(
        Page[Organisation],
        description=(
            "The request's hub's organisations by name; empty without a hub (sign in, or send "
            "the header `CH-Hub: <hub slug>`). `search` matches part of the name."
        ),
    )
    async def organisations(
        self,
        info: Info,
        kind: OrganisationKind | None = None,  # type: ignore[valid-type]
        search: str | None = None,
    ) -> AsyncIterable[OrganisationModel]:
        hub_id = info.context.hub_id
        if hub_id is None:
            return NoRows()
        try:
            query = service.list_organisations(
                hub_id=hub_id, kind=str(kind) if kind is not None else None, search=search
            )
        except DomainError as exc:
            raise BadInput(f"{exc.field}: {exc.message}") from exc
        return BoundedQuery(query, max_page=int(info.schema.config.relay_max_results))
