"""writeReview: after delivery, each side rates the other once (1-5, with a comment)."""

import strawberry

from app.portfolios import reviews
from app.portfolios.errors import PortfolioErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import ReviewPayload, application_id
from schema.portfolios.types import PortfolioError


@strawberry.input
class WriteReviewInput:
    application_id: strawberry.ID
    rating: int = strawberry.field(description="1 to 5.")
    comment: str = ""


@errors_as_data(PortfolioError, PortfolioErrorCode, ReviewPayload)
async def write_review(input: WriteReviewInput, info: Info) -> ReviewPayload:
    """Reviews the other side of a delivered engagement."""
    review = await reviews.write_review(
        actor=info.context.require_actor(),
        application_id=application_id(input.application_id),
        rating=input.rating,
        comment=input.comment,
    )
    return ReviewPayload(review=review)  # type: ignore[arg-type]
