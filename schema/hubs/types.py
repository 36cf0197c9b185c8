"""GraphQL types of hubs."""

import strawberry
from strawberry import relay

from app.hubs.errors import HubErrorCode as HubErrorCodeEnum
from app.hubs.models import Hub as HubModel
from schema.relay import orm_node


@orm_node(HubModel)
@strawberry.type(name="Hub", description="A city or community: the tenant of everything else.")
class Hub(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    locale: str
    timezone: str
    credit_name: str = strawberry.field(description="What this hub calls its community credit.")
    credits_per_hour: int = strawberry.field(description="Credits earned per verified hour.")
    member_overdraft_limit: int = strawberry.field(
        description="How far below zero members' credits may go."
    )
    trusted_documents_only: bool = strawberry.field(
        description="Whether the hub runs only its registered documents (trusted documents):"
        " its apps must send those, by hash or in full."
    )
    privacy_k: int = strawberry.field(
        name="privacyK",
        description="The privacy threshold k of every aggregate (city data, trials' ratings):"
        " no number comes from a group of fewer distinct people.",
    )

    @strawberry.field(
        deprecation_reason="Use privacyK: one threshold for every aggregate. Removal: 2027-06-01."
    )
    def ratings_min_group(self) -> int:
        """k of the ratings queries (now the hub's one privacy threshold, privacyK)."""
        return self.privacy_k

    ratings_cell_resolution: int = strawberry.field(
        description="The H3 resolution of ratings sliced by area."
    )
    open_data_licence: str = strawberry.field(
        description="The licence (SPDX id) of the hub's open data feeds: /hsds/{slug}/,"
        " /opendata/{slug}/volunteering.json and /opendata/{slug}/360giving.json."
    )


HubErrorCode = strawberry.enum(HubErrorCodeEnum, name="HubErrorCode")


@strawberry.type(description="Why a hub mutation did not do what was asked.")
class HubError:
    code: HubErrorCode  # type: ignore[valid-type]
    field: str | None
    message: str
