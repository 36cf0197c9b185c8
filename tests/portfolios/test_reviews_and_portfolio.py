"""Reviews after delivery, the portfolio, and the shareable volunteer CV."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.portfolios import hours
from app.portfolios.models import PortfolioSettings, Review
from schema.relay import encode_id
from tests.helpers import count_sql
from tests.opportunities.conftest import actor_of

REVIEW = """
mutation($input: WriteReviewInput!) { writeReview(input: $input) { review { id rating comment subject { displayName } } errors { code field } } }"""
EDIT = """
mutation($input: EditReviewInput!) { editReview(input: $input) { review { rating comment } errors { code field } } }"""
PORTFOLIO = """
query($id: ID) { portfolio(memberId: $id) {
  totalMinutes servicesDelivered byCategory { slug minutes } bySkill { slug minutes }
  organisationsHelped { name } ratings { count average five } reviews { rating }
  history { minutes } public shareUrl
} }"""
VISIBILITY = """
mutation($input: SetPortfolioVisibilityInput!) { setPortfolioVisibility(input: $input) { public shareUrl errors { code } } }"""
RATING = "query($id: ID!) { node(id: $id) { ... on Member { rating { count average } } } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def _delivered(alice: Any, bob: Any, engage: Any, minutes: int = 120, **fields: Any) -> Any:
    _, application = await engage(alice, bob, **fields)
    record = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=minutes
    )
    await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
    return application


async def test_both_sides_review_once_after_delivery(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    bob, carol = await make_person(display_name="Bob"), await make_person()
    _, early = await engage(alice, carol)
    too_soon = await gql(
        REVIEW, {"input": {"applicationId": gid("Application", early.id), "rating": 5}}, as_=alice
    )
    assert too_soon["writeReview"]["errors"][0]["code"] == "NOT_DELIVERED"
    application = await _delivered(alice, bob, engage)
    aid = gid("Application", application.id)
    by_alice = await gql(
        REVIEW, {"input": {"applicationId": aid, "rating": 5, "comment": "Brilliant"}}, as_=alice
    )
    assert by_alice["writeReview"]["review"]["subject"] == {"displayName": "Bob"}
    by_bob = await gql(REVIEW, {"input": {"applicationId": aid, "rating": 4}}, as_=bob)
    assert by_bob["writeReview"]["errors"] == []
    twice = await gql(REVIEW, {"input": {"applicationId": aid, "rating": 3}}, as_=alice)
    assert twice["writeReview"]["errors"][0]["code"] == "ALREADY_REVIEWED"
    outsider = await gql(REVIEW, {"input": {"applicationId": aid, "rating": 1}}, as_=carol)
    assert outsider["writeReview"]["errors"][0]["code"] == "FORBIDDEN"
    for bad in (0, 6):
        data = await gql(REVIEW, {"input": {"applicationId": aid, "rating": bad}}, as_=carol)
        assert data["writeReview"]["errors"][0]["field"] in {"rating", None}
    rating = (await gql(RATING, {"id": gid("Member", bob.member.id)}, as_=alice))["node"]["rating"]
    assert rating == {"count": 1, "average": 5.0}
    # editable for 48 hours, not after
    review_id = by_alice["writeReview"]["review"]["id"]
    edited = await gql(
        EDIT, {"input": {"reviewId": review_id, "comment": "Brilliant, thanks"}}, as_=alice
    )
    assert edited["editReview"]["review"] == {"rating": 5, "comment": "Brilliant, thanks"}
    await Review.filter(author_id=alice.member.id).update(
        created_at=datetime.now(UTC) - timedelta(hours=49)
    )
    late = await gql(EDIT, {"input": {"reviewId": review_id, "rating": 1}}, as_=alice)
    assert late["editReview"]["errors"][0]["code"] == "EDIT_WINDOW_CLOSED"
    long = await gql(
        REVIEW, {"input": {"applicationId": aid, "rating": 4, "comment": "x" * 2001}}, as_=bob
    )
    assert long["writeReview"]["errors"][0]["field"] == "comment"


async def test_portfolio_counts_only_verified_hours(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any, skill: Any
) -> None:
    from app.organisations import service as organisations

    bob = await make_person(display_name="Bob")
    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Green Team", kind="charity"
    )
    application = await _delivered(
        alice, bob, engage, 120, skill_ids=[skill.id], organisation_id=org.id
    )
    # a pending record: not counted
    await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=45
    )
    disputed = await hours.log_hours(
        actor=actor_of(bob), application_id=application.id, worked_on=date.today(), minutes=30
    )
    await hours.dispute_hours(actor=actor_of(alice), record_id=disputed.id, reason="no")
    await gql(
        REVIEW,
        {"input": {"applicationId": gid("Application", application.id), "rating": 5}},
        as_=alice,
    )
    mine = (await gql(PORTFOLIO, as_=bob))["portfolio"]
    assert mine["totalMinutes"] == 120 and mine["servicesDelivered"] == 1
    assert mine["byCategory"] == [{"slug": "gardening", "minutes": 120}]
    assert mine["bySkill"] == [{"slug": "first-aid", "minutes": 120}]
    assert mine["organisationsHelped"] == [{"name": "Green Team"}]
    assert mine["ratings"] == {"count": 1, "average": 5.0, "five": 1}
    assert [h["minutes"] for h in mine["history"]] == [120]
    assert mine["public"] is False and mine["shareUrl"]


async def test_share_link_and_printable_cv(
    gql: Any, http: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    bob = await make_person(display_name="<script>alert(1)</script> Bob")
    await _delivered(alice, bob, engage, 90)
    # another member cannot see a private portfolio, and reading it writes nothing
    assert (await gql(PORTFOLIO, {"id": gid("Member", bob.member.id)}, as_=alice))[
        "portfolio"
    ] is None
    assert await PortfolioSettings.filter(member_id=bob.member.id).count() == 0
    shared = (await gql(VISIBILITY, {"input": {"public": True}}, as_=bob))["setPortfolioVisibility"]
    token = shared["shareUrl"].rsplit("/", 1)[1]
    assert (await gql(PORTFOLIO, {"id": gid("Member", bob.member.id)}, as_=alice))["portfolio"][
        "totalMinutes"
    ] == 90
    page = await http.get(f"/cv/{token}")
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    assert "1.5 h" in page.text
    export = await http.get(f"/cv/{token}.json")
    assert export.json()["totalMinutes"] == 90
    again = (await gql(VISIBILITY, {"input": {"public": False}}, as_=bob))["setPortfolioVisibility"]
    assert again["shareUrl"] == shared["shareUrl"]
    assert (await http.get(f"/cv/{token}")).status_code == 404
    assert (await http.get(f"/cv/{token}.json")).status_code == 404
    assert (await http.get("/cv/nonsense")).status_code == 404


async def test_portfolio_runs_a_bounded_number_of_statements(
    gql: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    counts = []
    for records in (3, 30):
        bob = await make_person()
        for _ in range(records // 3):
            await _delivered(alice, bob, engage, 30)
            await _delivered(alice, bob, engage, 30)
            await _delivered(alice, bob, engage, 30)
        with count_sql() as counter:
            data = await gql(PORTFOLIO, as_=bob)
        assert len(data["portfolio"]["history"]) == records
        counts.append(len(counter.statements))
    assert counts[0] == counts[1], counts
