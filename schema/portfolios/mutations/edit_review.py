"""editReview: the author changes their review within 48 hours."""

import strawberry

from app.portfolios import reviews
from app.portfolios.errors import PortfolioErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.portfolios.mutations.payloads import ReviewPayload
from schema.portfolios.types import PortfolioError
from schema.relay import decode_id


@strawberry.input
class EditReviewInput:
    review_id: strawberry.ID
    rating: int | None = None
    comment: str | None = None


@errors_as_data(PortfolioError, E, ReviewPayload)
async def edit_review(input: EditReviewInput, info: Info) -> ReviewPayload:
    """Edits your own review while the window is open."""
    review = await reviews.edit_review(
        actor=info.context.require_actor(),
        review_id=decode_id(input.review_id, "Review", field="reviewId", invalid=E.INVALID),
        rating=input.rating,
        comment=input.comment,
    )
    return ReviewPayload(review=review)  # type: ignore[arg-type]
