"""Reviews after delivery: each side rates the other once, editable for 48 hours."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from app.opportunities.models import Opportunity
from app.portfolios import hours
from app.portfolios.models import Review
from tests.helpers import create_person
from tests.opportunities.conftest import actor_of
from tests.portfolios.conftest import gid

WRITE_REVIEW = """
mutation WriteReview($input: WriteReviewInput!) {
  writeReview(input: $input) {
    review { id rating comment author { displayName } subject { displayName } }
    errors { code field message }
  }
}"""
EDIT_REVIEW = """
mutation EditReview($input: EditReviewInput!) {
  editReview(input: $input) { review { id rating comment updatedAt } errors { code field message } }
}"""
MEMBER_RATING = """
query MemberRating($id: ID!) { node(id: $id) { ... on Member { displayName rating { count average } } } }"""
REVIEW_NODE = """
query ReviewNode($id: ID!) { node(id: $id) { ... on Review { rating comment } } }"""


async def review(
    gql: Any, person: Any, application: Any, rating: int = 5, comment: str = "", **extra: Any
) -> dict[str, Any]:
    variables = {
        "input": {
            "applicationId": gid("Application", application.id),
            "rating": rating,
            "comment": comment,
        }
        | extra
    }
    return (await gql(WRITE_REVIEW, variables, as_=person))["writeReview"]  # type: ignore[no-any-return]


async def edit(gql: Any, person: Any, review_id: str, **fields: Any) -> dict[str, Any]:
    data = await gql(EDIT_REVIEW, {"input": {"reviewId": review_id} | fields}, as_=person)
    return data["editReview"]  # type: ignore[no-any-return]


async def rating_of(gql: Any, viewer: Any, person: Any) -> dict[str, Any]:
    data = await gql(MEMBER_RATING, {"id": person.gid}, as_=viewer)
    return data["node"]["rating"]  # type: ignore[no-any-return]


def code(payload: dict[str, Any]) -> str | None:
    return payload["errors"][0]["code"] if payload["errors"] else None


async def test_both_sides_review_each_other_once_after_verified_hours(
    gql: Any, alice: Any, make_person: Any, engage: Any, logged: Any
) -> None:
    # given: bob volunteers for alice's request and logged hours that are still pending
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    _, application = await engage(alice, bob)
    record = await logged(bob, application, 90)
    # when: they review before the hours are verified
    early = [await review(gql, p, application) for p in (alice, bob)]
    # then
    assert [code(r) for r in early] == ["NOT_DELIVERED", "NOT_DELIVERED"]
    # when: alice verifies; both review; then again; carol tries too
    await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
    by_alice = await review(gql, alice, application, 5, "Brilliant, thank you")
    by_bob = await review(gql, bob, application, 4, "Clear instructions")
    twice = [await review(gql, p, application, 1) for p in (alice, bob)]
    by_carol = await review(gql, carol, application, 1)
    # then: each reviewed the other side, once
    assert by_alice["errors"] == [] and by_bob["errors"] == []
    assert by_alice["review"] | {"id": None} == {
        "id": None,
        "rating": 5,
        "comment": "Brilliant, thank you",
        "author": {"displayName": "Alice"},
        "subject": {"displayName": "Bob"},
    }
    assert by_bob["review"]["subject"] == {"displayName": "Alice"}
    assert [code(r) for r in twice] == ["ALREADY_REVIEWED", "ALREADY_REVIEWED"]
    assert code(by_carol) == "FORBIDDEN"
    assert await Review.filter(application_id=application.id).count() == 2
    # and the ratings show on the profiles
    assert await rating_of(gql, carol, bob) == {"count": 1, "average": 5.0}
    assert await rating_of(gql, carol, alice) == {"count": 1, "average": 4.0}
    assert await rating_of(gql, carol, carol) == {"count": 0, "average": None}


async def test_for_an_offer_the_subject_is_still_the_other_side(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: alice offered help to bob; the slot ended yesterday
    bob = await make_person(display_name="Bob")
    opportunity, application = await engage(alice, bob, kind="offer")
    await _ended(opportunity)
    # when
    by_bob = await review(gql, bob, application, 5)
    by_alice = await review(gql, alice, application, 3)
    # then
    assert by_bob["review"]["subject"] == {"displayName": "Alice"}
    assert by_alice["review"]["subject"] == {"displayName": "Bob"}
    assert await rating_of(gql, bob, alice) == {"count": 1, "average": 5.0}


async def test_reviews_open_when_the_opportunity_has_ended(
    gql: Any, alice: Any, make_person: Any, engage: Any, logged: Any
) -> None:
    # given: an engagement with disputed hours, still to come
    bob = await make_person()
    opportunity, application = await engage(alice, bob)
    record = await logged(bob, application)
    await hours.dispute_hours(actor=actor_of(alice), record_id=record.id, reason="Not yet")
    before = await review(gql, alice, application)
    # when: its end time passes
    await _ended(opportunity)
    after = await review(gql, alice, application)
    # then
    assert code(before) == "NOT_DELIVERED"
    assert after["errors"] == []


async def test_only_accepted_engagements_are_reviewed(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: bob applied to alice's request, which has ended, but was never accepted
    from app.opportunities import applications

    bob = await make_person()
    opportunity = await post(alice)
    application = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    await _ended(opportunity)
    # when
    results = [await review(gql, p, application) for p in (alice, bob)]
    # then
    assert [code(r) for r in results] == ["NOT_DELIVERED", "NOT_DELIVERED"]


async def test_the_receiving_organisation_reviews_once(
    gql: Any, alice: Any, make_person: Any, delivered: Any, organisation: Any
) -> None:
    # given: bob delivered for alice's organisation, where dan is staff too
    bob, dan = await make_person(display_name="Bob"), await make_person(display_name="Dan")
    org = await organisation(alice, "Food Bank", staff=(dan,))
    _, application, _ = await delivered(alice, bob, organisation_id=org.id)
    # when: dan reviews bob, then alice does too
    by_dan = await review(gql, dan, application, 5)
    by_alice = await review(gql, alice, application, 1)
    # then: one review per side of the engagement
    assert by_dan["review"]["subject"] == {"displayName": "Bob"}
    assert code(by_alice) == "ALREADY_REVIEWED"
    assert await rating_of(gql, dan, bob) == {"count": 1, "average": 5.0}
    # and bob reviews the organisation's side (its poster) once
    assert (await review(gql, bob, application, 4))["review"]["subject"] == {"displayName": "Alice"}


async def test_concurrent_reviews_by_one_side_make_exactly_one(
    gql: Any, alice: Any, make_person: Any, delivered: Any, organisation: Any
) -> None:
    # given: bob delivered for alice's organisation, where dan and erin are staff
    bob, dan, erin = await make_person(), await make_person(), await make_person()
    org = await organisation(alice, "Food Bank", staff=(dan, erin))
    _, application, _ = await delivered(alice, bob, organisation_id=org.id)
    # when: the three of them (alice twice) review at the same moment
    results = await asyncio.gather(
        *(review(gql, p, application, 5) for p in (alice, alice, dan, erin))
    )
    # then
    assert Counter(code(r) or "OK" for r in results) == {"OK": 1, "ALREADY_REVIEWED": 3}
    assert await Review.filter(application_id=application.id).count() == 1


async def test_bad_reviews_are_typed_and_write_nothing(
    gql: Any, alice: Any, other_hub: Any, make_person: Any, delivered: Any
) -> None:
    # given
    bob = await make_person()
    _, application, _ = await delivered(alice, bob)
    stranger = await create_person(hub=other_hub)
    cases: list[tuple[Any, dict[str, Any], str, str | None]] = [
        (alice, {"rating": 0}, "INVALID", "rating"),
        (alice, {"rating": 6}, "INVALID", "rating"),
        (alice, {"rating": -5}, "INVALID", "rating"),
        (alice, {"comment": "x" * 2001}, "INVALID", "comment"),
        (alice, {"applicationId": gid("Application", 2**62)}, "NOT_FOUND", "applicationId"),
        (alice, {"applicationId": gid("Member", bob.member.id)}, "INVALID", "applicationId"),
        (stranger, {}, "NOT_FOUND", "applicationId"),
    ]
    # when
    results = [await review(gql, person, application, **fields) for person, fields, _, _ in cases]
    # then
    for (_, fields, expected, field), result in zip(cases, results, strict=True):
        assert result["review"] is None, fields
        assert (code(result), result["errors"][0]["field"]) == (expected, field), fields
    assert await Review.filter(application_id=application.id).count() == 0
    # and a comment of exactly 2000 characters, over several lines, is fine
    ok = await review(gql, alice, application, 5, "line\n" + "x" * 1995)
    assert ok["errors"] == [] and len(ok["review"]["comment"]) == 2000


async def test_a_review_is_editable_for_48_hours(
    gql: Any, alice: Any, make_person: Any, delivered: Any, other_hub: Any
) -> None:
    # given: alice reviewed bob
    bob, carol = await make_person(display_name="Bob"), await make_person()
    _, application, _ = await delivered(alice, bob)
    written = (await review(gql, alice, application, 3, "Fine"))["review"]
    # when: alice edits it; bob and carol try to
    edited = await edit(gql, alice, written["id"], rating=5, comment="Great, in the end")
    by_bob = await edit(gql, bob, written["id"], rating=1)
    by_carol = await edit(gql, carol, written["id"], comment="spam")
    stranger = await create_person(hub=other_hub)
    by_stranger = await edit(gql, stranger, written["id"], rating=1)
    bad = [
        await edit(gql, alice, written["id"], rating=0),
        await edit(gql, alice, written["id"], rating=6),
        await edit(gql, alice, written["id"], comment="y" * 2001),
        await edit(gql, alice, gid("Application", application.id), rating=4),
    ]
    # then
    assert edited["errors"] == []
    assert (edited["review"]["rating"], edited["review"]["comment"]) == (5, "Great, in the end")
    assert [code(r) for r in (by_bob, by_carol, by_stranger)] == ["NOT_FOUND"] * 3
    assert [(code(r), r["errors"][0]["field"]) for r in bad] == [
        ("INVALID", "rating"),
        ("INVALID", "rating"),
        ("INVALID", "comment"),
        ("INVALID", "reviewId"),
    ]
    assert await rating_of(gql, carol, bob) == {"count": 1, "average": 5.0}
    seen = (await gql(REVIEW_NODE, {"id": written["id"]}, as_=carol))["node"]
    assert seen == {"rating": 5, "comment": "Great, in the end"}
    assert (await gql(REVIEW_NODE, {"id": written["id"]}, as_=stranger))["node"] is None
    # when: 49 hours later
    await Review.filter(application_id=application.id).update(
        created_at=datetime.now(UTC) - timedelta(hours=49)
    )
    late = await edit(gql, alice, written["id"], rating=1)
    # then
    assert code(late) == "EDIT_WINDOW_CLOSED"
    assert (await Review.get(application_id=application.id)).rating == 5


async def _ended(opportunity: Any) -> None:
    past = datetime.now(UTC) - timedelta(days=1)
    await Opportunity.filter(id=opportunity.id).update(
        starts_at=past - timedelta(hours=2), ends_at=past
    )
