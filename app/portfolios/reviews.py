"""Reviews after delivery: each side rates the other once (1-5), editable for a short while."""

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import events
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.opportunities.models import ApplicationStatus
from app.portfolios import engagement
from app.portfolios.errors import PortfolioErrorCode as E
from app.portfolios.models import HoursRecord, HoursStatus, Review

EDIT_WINDOW = timedelta(hours=48)


def _rating(value: int) -> int:
    return v.int_range(value, field="rating", low=1, high=5, invalid=E.INVALID)


def _comment(value: str) -> str:
    return v.text(
        value, field="comment", max_length=2000, invalid=E.INVALID, required=False, multiline=True
    )


async def _delivered(found: engagement.Engagement) -> bool:
    if found.application.status != ApplicationStatus.ACCEPTED:
        return False
    ends = found.opportunity.ends_at or found.opportunity.starts_at
    if ends is not None and ends <= datetime.now(UTC):
        return True
    return await HoursRecord.exists(
        hub_id=found.application.hub_id,
        application_id=found.application.id,
        status=HoursStatus.VERIFIED,
    )


async def write_review(
    *, actor: Actor, application_id: int, rating: int, comment: str = ""
) -> Review:
    """One side of a delivered engagement rates the other, once per side.

    A side can be several people (staff of the organisation that was helped), so the rule is
    one review per subject of the engagement, checked under the application's row lock; the
    unique constraint on the author backs up the common case.
    """
    rating, comment = _rating(rating), _comment(comment)
    try:
        async with in_transaction():
            found = await engagement.load(actor, application_id, lock=True)
            if actor.member_id == found.volunteer_id:
                subject_id = found.beneficiary_id
            elif await found.on_receiving_side(actor):
                subject_id = found.volunteer_id
            else:
                raise DomainError(
                    E.FORBIDDEN, _("Only the two sides of the engagement review it."), None
                )
            if not await _delivered(found):
                raise DomainError(
                    E.NOT_DELIVERED, _("Reviews open once the help has been given."), None
                )
            if await Review.exists(
                hub_id=actor.hub_id, application_id=application_id, subject_id=subject_id
            ):
                raise DomainError(
                    E.ALREADY_REVIEWED, _("Your side has reviewed this already."), None
                )
            review = await Review.create(
                hub_id=actor.hub_id,
                application_id=application_id,
                author_id=actor.member_id,
                subject_id=subject_id,
                rating=rating,
                comment=comment,
            )
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="review.write",
                object_type="Review",
                object_id=review.id,
            )
            await events.emit(
                "review.written",
                {"review_id": review.id, "hub_id": review.hub_id, "subject_id": subject_id},
                key=f"{review.id}",
            )
    except IntegrityError as exc:
        raise DomainError(E.ALREADY_REVIEWED, _("You have reviewed this already."), None) from exc
    return review


async def edit_review(
    *, actor: Actor, review_id: int, rating: int | None = None, comment: str | None = None
) -> Review:
    """The author changes their review within 48 hours of writing it."""
    async with in_transaction():
        review = await Review.select_for_update().get_or_none(
            id=review_id, hub_id=actor.hub_id, author_id=actor.member_id
        )
        if review is None:
            raise DomainError(E.NOT_FOUND, _("No such review of yours."), "reviewId")
        if datetime.now(UTC) - review.created_at > EDIT_WINDOW:
            raise DomainError(E.EDIT_WINDOW_CLOSED, _("Reviews can be edited for 48 hours."), None)
        if rating is not None:
            review.rating = _rating(rating)
        if comment is not None:
            review.comment = _comment(comment)
        await review.save(update_fields=["rating", "comment", "updated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="review.edit",
            object_type="Review",
            object_id=review.id,
        )
        if comment is not None:  # the new words are read for automatic flags
            await events.emit(
                "review.edited",
                {"review_id": review.id, "hub_id": review.hub_id},
                key=f"{review.id}:{datetime.now(UTC).isoformat()}",
            )
    return review
