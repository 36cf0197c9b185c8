"""rotatePortfolioShareLink: a new link for your volunteer CV; the old one stops working."""

import strawberry

from app.portfolios import service
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.types import PortfolioError


@strawberry.type
class RotatePortfolioShareLinkPayload:
    public: bool | None = None
    share_url: str | None = strawberry.field(
        default=None, description="The new link (null while the portfolio is private)."
    )
    errors: list[PortfolioError] = strawberry.field(default_factory=list)


@errors_as_data(PortfolioError, PortfolioErrorCode, RotatePortfolioShareLinkPayload)
async def rotate_portfolio_share_link(info: Info) -> RotatePortfolioShareLinkPayload:
    """Issues a new share token: /cv/<old token> answers 404 from now on. Whoever should still
    see the CV needs the new link."""
    found = await service.rotate_share_link(actor=info.context.require_actor())
    return RotatePortfolioShareLinkPayload(public=found.public, share_url=service.share_url(found))
