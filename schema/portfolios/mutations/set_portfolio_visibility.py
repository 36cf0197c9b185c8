"""setPortfolioVisibility: share your volunteer CV at a stable link, or make it private."""

import strawberry

from app.portfolios import service
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.types import PortfolioError


@strawberry.input
class SetPortfolioVisibilityInput:
    public: bool


@strawberry.type
class SetPortfolioVisibilityPayload:
    public: bool | None = None
    share_url: str | None = strawberry.field(
        default=None, description="HTML; add .json for JSON. Null while private."
    )
    errors: list[PortfolioError] = strawberry.field(default_factory=list)


@errors_as_data(PortfolioError, PortfolioErrorCode, SetPortfolioVisibilityPayload)
async def set_portfolio_visibility(
    input: SetPortfolioVisibilityInput, info: Info
) -> SetPortfolioVisibilityPayload:
    """The link stays the same when you switch back and forth."""
    found = await service.set_visibility(actor=info.context.require_actor(), public=input.public)
    return SetPortfolioVisibilityPayload(public=found.public, share_url=service.share_url(found))
