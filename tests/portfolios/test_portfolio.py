"""The portfolio (verified hours only), its public switch, the shareable CV, and its SQL cost."""

from typing import Any

from app.opportunities.models import Category
from app.people.models import Member, MemberStatus, Role
from app.portfolios import hours, reviews
from app.portfolios.models import PortfolioSettings
from schema.relay import encode_id
from tests.helpers import count_sql, create_person
from tests.opportunities.conftest import actor_of
from tests.portfolios.conftest import hub_today

PORTFOLIO = """
query Portfolio($memberId: ID) {
  portfolio(memberId: $memberId) {
    totalMinutes servicesDelivered
    byCategory { slug minutes } bySkill { slug minutes }
    organisationsHelped { name }
    ratings { count average five }
    reviews { rating }
    history { minutes }
    public shareUrl
  }
}"""
PORTFOLIO_IN_DEPTH = """
query PortfolioInDepth {
  portfolio {
    totalMinutes
    organisationsHelped { name }
    ratings { count average one two three four five }
    reviews { rating comment author { displayName } subject { displayName } }
    history { minutes workedOn opportunity { title } volunteer { displayName } }
  }
}"""
SET_VISIBILITY = """
mutation SetPortfolioVisibility($input: SetPortfolioVisibilityInput!) {
  setPortfolioVisibility(input: $input) { public shareUrl errors { code field message } }
}"""
ROTATE_LINK = """
mutation RotatePortfolioShareLink {
  rotatePortfolioShareLink { public shareUrl errors { code field message } }
}"""


async def portfolio_of(gql: Any, viewer: Any, member: Any = None) -> Any:
    variables = {"memberId": member.gid} if member is not None else {}
    return (await gql(PORTFOLIO, variables, as_=viewer))["portfolio"]


async def refusal(gql: Any, viewer: Any, member: Any) -> dict[str, Any]:
    """The top-level error of reading `member`'s portfolio as `viewer` (the field is null)."""
    body = await gql.raw(PORTFOLIO, {"memberId": member.gid}, as_=viewer)
    assert body["data"] == {"portfolio": None}, body
    [error] = body["errors"]
    assert error["path"] == ["portfolio"]
    return error  # type: ignore[no-any-return]


async def share(gql: Any, person: Any, public: bool) -> dict[str, Any]:
    data = await gql(SET_VISIBILITY, {"input": {"public": public}}, as_=person)
    return data["setPortfolioVisibility"]  # type: ignore[no-any-return]


async def test_the_portfolio_counts_only_verified_hours(
    gql: Any,
    hub: Any,
    alice: Any,
    make_person: Any,
    engage: Any,
    logged: Any,
    delivered: Any,
    organisation: Any,
    skill: Any,
) -> None:
    # given: bob gave time to the Green Team's request (one record of each outcome), to carol's
    # cooking request, and through his own organisation's offer to dan; erin helped him
    bob = await make_person(display_name="Bob")
    carol, dan = await make_person(display_name="Carol"), await make_person(display_name="Dan")
    erin = await make_person(display_name="Erin")
    mo = await make_person(roles=[Role.MODERATOR])
    green = await organisation(alice, "Green Team")
    helpers = await organisation(bob, "Handy Helpers")
    cooking = await Category.create(hub_id=hub.id, slug="cooking", name="Cooking")
    _, garden, _ = await delivered(alice, bob, 120, skill_ids=[skill.id], organisation_id=green.id)
    await logged(bob, garden, 45)  # pending
    disputed = await logged(bob, garden, 30)
    rejected = await logged(bob, garden, 20)
    resolved = await logged(bob, garden, 15)
    for record in (disputed, rejected, resolved):
        await hours.dispute_hours(actor=actor_of(alice), record_id=record.id, reason="Hmm")
    await hours.resolve_dispute(actor=_moderator(mo), record_id=rejected.id, verify=False)
    await hours.resolve_dispute(actor=_moderator(mo), record_id=resolved.id, verify=True)
    await delivered(carol, bob, 60, category_id=cooking.id)
    _, offer = await engage(bob, dan, kind="offer", organisation_id=helpers.id)
    verified_offer = await logged(bob, offer, 30)
    await hours.verify_hours(actor=actor_of(dan), record_id=verified_offer.id)
    await reviews.write_review(actor=actor_of(alice), application_id=garden.id, rating=5)
    await reviews.write_review(actor=actor_of(dan), application_id=offer.id, rating=4)
    # and bob rated alice; erin helped bob, and rated him as the person helped: neither is about
    # help bob gave, so neither counts in a portfolio
    await reviews.write_review(actor=actor_of(bob), application_id=garden.id, rating=2)
    _, helped = await engage(erin, bob, kind="offer")
    await hours.verify_hours(actor=actor_of(bob), record_id=(await logged(erin, helped, 10)).id)
    await reviews.write_review(actor=actor_of(erin), application_id=helped.id, rating=1)
    # when
    mine = await portfolio_of(gql, bob)
    # then: 120 + 15 (resolved) in the garden, 60 cooking, 30 on the offer
    assert mine["totalMinutes"] == 225
    assert mine["servicesDelivered"] == 3
    assert mine["byCategory"] == [
        {"slug": "gardening", "minutes": 165},
        {"slug": "cooking", "minutes": 60},
    ]
    assert mine["bySkill"] == [{"slug": "first-aid", "minutes": 135}]
    assert mine["organisationsHelped"] == [{"name": "Green Team"}]  # not his own, which helped
    assert mine["ratings"] == {"count": 2, "average": 4.5, "five": 1}
    assert sorted(r["rating"] for r in mine["reviews"]) == [4, 5]
    assert sorted(h["minutes"] for h in mine["history"]) == [15, 30, 60, 120]
    assert mine["public"] is False
    assert mine["shareUrl"] is None  # private: no link, for its owner either
    # and alice, who volunteered nothing, has an empty portfolio
    empty = await portfolio_of(gql, alice)
    assert (empty["totalMinutes"], empty["servicesDelivered"], empty["history"]) == (0, 0, [])
    assert empty["ratings"] == {"count": 0, "average": None, "five": 0} and empty["reviews"] == []
    # while the profiles show every rating received
    profile = "query($id: ID!) { node(id: $id) { ... on Member { rating { count average } } } }"
    ratings = [
        (await gql(profile, {"id": p.gid}, as_=carol))["node"]["rating"] for p in (alice, bob)
    ]
    assert ratings == [{"count": 1, "average": 2.0}, {"count": 3, "average": 3.33}]


async def test_a_portfolio_is_private_until_shared(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any, delivered: Any
) -> None:
    # given: bob has verified hours; alice is in his hub, stan in another
    bob = await make_person(display_name="Bob")
    await delivered(alice, bob, 90)
    stan = await create_person(hub=other_hub)
    # when: alice reads bob's portfolio
    with count_sql() as sql:
        hidden = await refusal(gql, alice, bob)
    # then: null with the reason, and reading it wrote nothing
    assert hidden["extensions"] == {"code": "PRIVATE"}
    assert hidden["message"] == "Bob has not shared their portfolio."
    assert not [s for s in sql.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert not await PortfolioSettings.exists(member_id=bob.member.id)
    # when: bob makes it public (twice), alice and stan read it
    first = await share(gql, bob, True)
    second = await share(gql, bob, True)
    seen = await portfolio_of(gql, alice, bob)
    # then: the same link; alice sees it, the other hub does not
    assert first["errors"] == [] and first["public"] is True
    assert second["shareUrl"] == first["shareUrl"]
    assert seen["totalMinutes"] == 90 and seen["public"] is True
    assert seen["shareUrl"] == first["shareUrl"]
    assert (await refusal(gql, stan, bob))["extensions"] == {
        "code": "NOT_FOUND",
        "field": "memberId",
    }
    # when: bob makes it private again
    private = await share(gql, bob, False)
    # then: no link while private, for bob either
    assert private["public"] is False and private["shareUrl"] is None
    assert (await refusal(gql, alice, bob))["extensions"]["code"] == "PRIVATE"
    assert (await portfolio_of(gql, bob))["shareUrl"] is None
    # and public again: the same link as before
    assert (await share(gql, bob, True))["shareUrl"] == first["shareUrl"]
    # and the own portfolio needs a sign-in
    anonymous = await gql.raw(PORTFOLIO)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_printable_cv_and_its_json_export(
    gql: Any, http: Any, alice: Any, make_person: Any, delivered: Any, organisation: Any
) -> None:
    # given: bob, with markup in his name, delivered 90 minutes for <b>Bold</b> Charity;
    # alice's review comment has markup too
    bob = await make_person(display_name="<script>alert(1)</script> Bob")
    org = await organisation(alice, "<b>Bold</b> Charity")
    _, application, _ = await delivered(alice, bob, 90, organisation_id=org.id)
    await reviews.write_review(
        actor=actor_of(alice),
        application_id=application.id,
        rating=4,
        comment='Lovely <img src=x onerror="alert(2)">',
    )
    token = (await share(gql, bob, True))["shareUrl"].rsplit("/", 1)[1]
    # when
    page = await http.get(f"/cv/{token}")
    export = await http.get(f"/cv/{token}.json")
    # then: a printable page, with every user-written text escaped
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bob" in page.text
    assert "<script" not in page.text and "<img" not in page.text and "<b>" not in page.text
    assert "&lt;b&gt;Bold&lt;/b&gt; Charity" in page.text
    assert "1.5 h" in page.text and "Volunteer CV" in page.text
    assert "Lovely &lt;img" in page.text
    assert page.headers["cache-control"] == "no-store"  # going private again takes effect
    assert "script-src" not in page.headers["content-security-policy"]
    # and the JSON export
    assert export.status_code == 200
    assert export.headers["content-type"] == "application/json"
    assert export.headers["cache-control"] == "no-store"
    body = export.json()
    assert body["member"]["displayName"] == "<script>alert(1)</script> Bob"
    assert (body["totalMinutes"], body["totalHours"], body["servicesDelivered"]) == (90, 1.5, 1)
    assert body["organisationsHelped"] == [{"name": "<b>Bold</b> Charity", "slug": org.slug}]
    assert body["ratings"]["count"] == 1 and body["reviews"][0]["rating"] == 4
    assert [h["minutes"] for h in body["history"]] == [90]
    assert "email" not in str(body).lower()
    # when: bob makes it private
    await share(gql, bob, False)
    # then: both are gone, like an unknown token
    for path in (
        f"/cv/{token}",
        f"/cv/{token}.json",
        "/cv/nonsense",
        "/cv/x.json",
        "/cv/" + "a" * 60,
    ):
        assert (await http.get(path)).status_code == 404, path
    # and public again: the same link works again
    assert (await share(gql, bob, True))["shareUrl"].endswith(f"/cv/{token}")
    assert (await http.get(f"/cv/{token}")).status_code == 200
    # when: moderators suspend bob
    await Member.filter(id=bob.member.id).update(status=MemberStatus.SUSPENDED)
    # then: his public CV is not served either
    for path in (f"/cv/{token}", f"/cv/{token}.json"):
        assert (await http.get(path)).status_code == 404, path


async def test_the_portfolio_runs_the_same_statements_for_3_and_30_records(
    gql: Any, alice: Any, make_person: Any, engage: Any, logged: Any, organisation: Any, skill: Any
) -> None:
    counts = []
    org = await organisation(alice, "Green Team")
    for records in (3, 30):
        # given: bob has `records` verified records over records / 3 engagements, each reviewed
        bob = await make_person(display_name="Bob")
        for _ in range(records // 3):
            _, application = await engage(alice, bob, skill_ids=[skill.id], organisation_id=org.id)
            for _ in range(3):
                record = await logged(bob, application, 10)
                await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
            await reviews.write_review(
                actor=actor_of(alice), application_id=application.id, rating=5, comment="Thanks"
            )
        await gql(PORTFOLIO_IN_DEPTH, as_=bob)  # the first read creates bob's settings
        # when
        with count_sql() as sql:
            data = (await gql(PORTFOLIO_IN_DEPTH, as_=bob))["portfolio"]
        # then
        assert data["totalMinutes"] == 10 * records
        assert len(data["history"]) == records and len(data["reviews"]) == records // 3
        assert {h["opportunity"]["title"] for h in data["history"]} == {
            "Help in the community garden"
        }
        counts.append(len(sql.statements))
    assert counts[0] == counts[1], counts


def _moderator(person: Any) -> Any:
    from app.actor import Actor

    return Actor(member=person.member, roles=frozenset({Role.MEMBER, Role.MODERATOR}))


async def test_a_public_portfolio_shows_no_notes_or_disputes(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: bob's public portfolio has a record verified after a dispute
    bob, carol = await make_person(display_name="Bob"), await make_person()
    mo = await make_person(roles=[Role.MODERATOR])
    _, application = await engage(alice, bob)
    record = await hours.log_hours(
        actor=actor_of(bob),
        application_id=application.id,
        worked_on=hub_today(hub),
        minutes=50,
        note="Helped Mrs Smith with her medication",
    )
    await hours.dispute_hours(actor=actor_of(alice), record_id=record.id, reason="He was rude")
    await hours.resolve_dispute(
        actor=_moderator(mo), record_id=record.id, verify=True, note="Hours were given"
    )
    await share(gql, bob, True)
    query = """
    query PortfolioHistory($memberId: ID) {
      portfolio(memberId: $memberId) { history { minutes note disputeReason resolutionNote } }
    }"""
    # when
    as_owner = (await gql(query, {}, as_=bob))["portfolio"]["history"]
    as_public = (await gql(query, {"memberId": bob.gid}, as_=carol))["portfolio"]["history"]
    # then
    assert as_owner == [
        {
            "minutes": 50,
            "note": "Helped Mrs Smith with her medication",
            "disputeReason": "He was rude",
            "resolutionNote": "Hours were given",
        }
    ]
    assert as_public == [{"minutes": 50, "note": "", "disputeReason": "", "resolutionNote": ""}]


async def test_rotating_the_share_link_ends_the_old_one_at_once(
    gql: Any, http: Any, alice: Any, make_person: Any, delivered: Any
) -> None:
    # given: bob's CV is public at a link he gave out
    bob = await make_person(display_name="Bob")
    await delivered(alice, bob, 60)
    old = (await share(gql, bob, True))["shareUrl"]
    old_path = old.removeprefix("http://testserver")
    assert (await http.get(old_path)).status_code == 200
    # when: he rotates it
    rotated = (await gql(ROTATE_LINK, as_=bob))["rotatePortfolioShareLink"]
    # then: a new link, which works; the old one is gone (page and export)
    assert rotated["errors"] == [] and rotated["public"] is True
    new = rotated["shareUrl"]
    assert new.startswith("http://testserver/cv/") and new != old
    new_path = new.removeprefix("http://testserver")
    assert (await http.get(old_path)).status_code == 404
    assert (await http.get(old_path + ".json")).status_code == 404
    assert (await http.get(new_path)).status_code == 200
    assert (await portfolio_of(gql, bob))["shareUrl"] == new
    assert (await portfolio_of(gql, alice, bob))["shareUrl"] == new
    # when: he makes it private and rotates again
    await share(gql, bob, False)
    private = (await gql(ROTATE_LINK, as_=bob))["rotatePortfolioShareLink"]
    # then: no link while private; going public shows a third link, and the second is gone
    assert private == {"public": False, "shareUrl": None, "errors": []}
    third = (await share(gql, bob, True))["shareUrl"]
    assert third not in (old, new)
    assert (await http.get(new_path)).status_code == 404
    assert (await http.get(third.removeprefix("http://testserver"))).status_code == 200
    # and rotating needs a sign-in
    anonymous = await gql.raw(ROTATE_LINK)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_refused_portfolio_read_says_why(gql: Any, alice: Any, make_person: Any) -> None:
    # given: bob, private; an id that names no member; an id of another type
    bob = await make_person(display_name="Bob")
    nobody = str(encode_id("Member", 10**12))
    not_a_member = str(encode_id("Opportunity", bob.member.id))
    # when
    private = await gql.raw(PORTFOLIO, {"memberId": bob.gid}, as_=alice)
    missing = await gql.raw(PORTFOLIO, {"memberId": nobody}, as_=alice)
    wrong = await gql.raw(PORTFOLIO, {"memberId": not_a_member}, as_=alice)
    own = await gql.raw(PORTFOLIO, {"memberId": bob.gid}, as_=bob)
    # then: a code an app can act on, for each
    assert [b["errors"][0]["extensions"] for b in (private, missing, wrong)] == [
        {"code": "PRIVATE"},
        {"code": "NOT_FOUND", "field": "memberId"},
        {"code": "INVALID", "field": "memberId"},
    ]
    assert all(b["data"] == {"portfolio": None} for b in (private, missing, wrong))
    assert "errors" not in own and own["data"]["portfolio"]["public"] is False
