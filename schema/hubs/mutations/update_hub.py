"""updateHub: hub admins change the hub's name, time zone, locale, credit name, overdraft
limit, whether it runs only its trusted documents, or its open data licence."""

import strawberry

from app.hubs import service
from app.hubs.errors import HubErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.hubs.types import Hub, HubError


@strawberry.input
class UpdateHubInput:
    name: str | None = None
    timezone: str | None = None
    locale: str | None = None
    credit_name: str | None = None
    member_overdraft_limit: int | None = strawberry.field(
        default=None, description="How far below zero members' credits may go (0: not at all)."
    )
    trusted_documents_only: bool | None = strawberry.field(
        default=None,
        description="Run only the documents registered for this hub (`communityhub"
        " register-documents`), sent by hash or in full; refuse any other with"
        " PERSISTED_QUERY_NOT_IN_LIST.",
    )
    privacy_k: int | None = strawberry.field(
        default=None,
        name="privacyK",
        description="The privacy threshold k of every aggregate (city data, trials' ratings):"
        " no number comes from a group of fewer distinct people (5 to 1000).",
    )
    ratings_min_group: int | None = strawberry.field(
        default=None,
        deprecation_reason="Use privacyK: one threshold for every aggregate. Removal: 2027-06-01.",
        description="Ratings queries never show a group of fewer testers (k; 5 to 1000).",
    )
    ratings_cell_resolution: int | None = strawberry.field(
        default=None, description="The H3 resolution of ratings sliced by area (5, 6 or 7)."
    )
    open_data_licence: str | None = strawberry.field(
        default=None,
        description="The licence of the hub's open data feeds, an SPDX id: OGL-UK-3.0,"
        " CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0 or ODbL-1.0.",
    )


@strawberry.type
class UpdateHubPayload:
    hub: Hub | None = None
    errors: list[HubError] = strawberry.field(default_factory=list)


@errors_as_data(HubError, HubErrorCode, UpdateHubPayload)
async def update_hub(input: UpdateHubInput, info: Info) -> UpdateHubPayload:
    """Changes the settings of the viewer's hub (hub admins only)."""
    hub = await service.update_hub(
        actor=info.context.require_actor(),
        name=input.name,
        timezone=input.timezone,
        locale=input.locale,
        credit_name=input.credit_name,
        member_overdraft_limit=input.member_overdraft_limit,
        trusted_documents_only=input.trusted_documents_only,
        privacy_k=input.privacy_k if input.privacy_k is not None else input.ratings_min_group,
        ratings_cell_resolution=input.ratings_cell_resolution,
        open_data_licence=input.open_data_licence,
    )
    return UpdateHubPayload(hub=hub)  # type: ignore[arg-type]
