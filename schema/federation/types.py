"""GraphQL types of links between hubs."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.credits.models import Account as AccountModel
from app.federation import accounts, guests
from app.federation.errors import FederationErrorCode as FederationErrorCodeEnum
from app.federation.models import AccountLinkStatus as AccountLinkStatusEnum
from app.federation.models import HubLink as HubLinkModel
from app.federation.models import LinkStatus as LinkStatusEnum
from schema.opportunities.types import ApplicationStatus, OpportunityKind
from schema.relay import encode_id, orm_node

FederationErrorCode = strawberry.enum(FederationErrorCodeEnum, name="FederationErrorCode")
HubLinkStatus = strawberry.enum(
    LinkStatusEnum,
    name="HubLinkStatus",
    description="PROPOSED: this hub proposed it, the partner has not answered. INVITED: the"
    " partner proposed it, this hub's admins have not answered. ACTIVE: credits cross it."
    " PAUSED: paused by either hub, nothing crosses. DECLINED: refused or withdrawn.",
)


@strawberry.type(
    description="Why a link or cross-hub mutation did not go through (nothing changed)."
)
class FederationError:
    code: FederationErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@orm_node(HubLinkModel)
@strawberry.type(
    name="HubLink",
    description="This hub's side of a link with a partner hub, whose members' credits cross it.",
)
class HubLink(relay.Node):
    id: relay.NodeID[int]
    partner_name: str
    partner_slug: str
    status: HubLinkStatus  # type: ignore[valid-type]
    rate_numerator: int = strawberry.field(
        description="One credit here is rateNumerator / rateDenominator of the partner's."
    )
    rate_denominator: int
    credit_limit: int = strawberry.field(
        description="What the partner's members may spend here, net, in this hub's credits:"
        " how far this hub's clearing account for the partner may go below zero."
    )
    allowed_categories: list[str] = strawberry.field(
        description="The categories a payment across the link may carry; empty: any."
    )
    created_at: datetime
    decided_at: datetime | None

    @strawberry.field(
        description="This hub's net position with the partner (its clearing account's"
        " balance): above zero, this hub's members sent more than they received. Null before"
        " the link is accepted."
    )
    async def clearing_balance(self, root: HubLinkModel) -> int | None:
        clearing: AccountModel | None
        if hasattr(root, "clearing"):
            clearing = root.clearing
        else:
            clearing = await AccountModel.get_or_none(hub_id=root.hub_id, link_id=root.id)
        return clearing.balance if clearing is not None else None


AccountLinkStatus = strawberry.enum(
    AccountLinkStatusEnum,
    name="AccountLinkStatus",
    description="PENDING: asked, the other account has not confirmed. ACTIVE: linked.",
)


@strawberry.type(
    description="A link between the viewer's account and their own account in another hub of"
    " this installation or of a partner installation (both emails proven): each portfolio"
    " shows the other's verified hours."
)
class AccountLink:
    id: strawberry.ID
    status: AccountLinkStatus  # type: ignore[valid-type]
    hub_name: str = strawberry.field(description="The other account's hub.")
    hub_slug: str
    asked_by_me: bool = strawberry.field(
        description="True when this account asked; false when it is the one to confirm."
    )
    created_at: datetime
    confirmed_at: datetime | None
    remote: bool = strawberry.field(
        default=False,
        description="True when the other hub is on a partner installation (its verified hours"
        " are fetched from there, so they show in the portfolio some time after linking).",
    )

    @classmethod
    def of(cls, view: accounts.LinkView) -> "AccountLink":
        return cls(
            id=strawberry.ID(str(encode_id("AccountLink", view.id))),
            status=view.status,
            hub_name=view.hub_name,
            hub_slug=view.hub_slug,
            asked_by_me=view.asked_by_me,
            created_at=view.created_at,
            confirmed_at=view.confirmed_at,
            remote=view.remote,
        )


@strawberry.type(
    description="An opportunity of a partner hub that members of this hub may apply to as"
    " guests (applyToPartnerOpportunity): published, in a category the link carries."
)
class PartnerOpportunity:
    id: strawberry.ID = strawberry.field(description="The opportunity's ID in its own hub.")
    kind: OpportunityKind  # type: ignore[valid-type]
    title: str
    description: str
    category: str = strawberry.field(description="Its category's slug in its hub.")
    remote: bool
    area_name: str
    starts_at: datetime | None
    ends_at: datetime | None
    places_left: int
    organisation_name: str | None
    hub_name: str
    hub_slug: str

    @classmethod
    def of(cls, row: guests.PartnerOpportunity) -> "PartnerOpportunity":
        return cls(
            id=strawberry.ID(str(encode_id("Opportunity", row.id))),
            kind=row.kind,
            title=row.title,
            description=row.description,
            category=row.category,
            remote=row.remote,
            area_name=row.area_name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            places_left=row.places_left,
            organisation_name=row.organisation_name,
            hub_name=row.hub_name,
            hub_slug=row.hub_slug,
        )


@strawberry.type
class PartnerOpportunityEdge:
    cursor: str
    node: PartnerOpportunity


@strawberry.type(description="A page of a partner hub's opportunities, newest first.")
class PartnerOpportunityConnection:
    page_info: relay.PageInfo
    edges: list[PartnerOpportunityEdge]


@strawberry.type(
    description="The viewer's application to a partner hub's opportunity, made as a guest of"
    " that hub: read and act on it there with enterPartnerHub's session."
)
class GuestApplication:
    application_id: strawberry.ID = strawberry.field(
        description="The application's ID in the partner hub."
    )
    status: ApplicationStatus  # type: ignore[valid-type]
    hub_name: str
    hub_slug: str


@strawberry.type(
    description="A session of the viewer's guest account in a partner hub: send its token"
    " with that hub's slug (CH-Hub) to log hours, withdraw and read your applications there."
    " No refresh token: enter again when it expires."
)
class GuestSession:
    access_token: str
    expires_at: datetime
    hub_slug: str
    guest_id: strawberry.ID = strawberry.field(description="Your guest member's ID there.")
