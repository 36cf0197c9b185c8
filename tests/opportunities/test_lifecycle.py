"""Posting, editing, publishing, closing, cancelling, renewing and expiring opportunities."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.opportunities import expiry
from app.opportunities.models import Opportunity, OpportunityStatus
from schema.relay import encode_id
from tests.helpers import read_mail

CREATE = """
mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) {
    opportunity { id status kind title placesLeft areaCell location { lat lng } address
                  category { slug } skills { name } expiresAt }
    errors { code field message }
  }
}"""
UPDATE = """
mutation Update($input: UpdateOpportunityInput!) {
  updateOpportunity(input: $input) { opportunity { id title places status } errors { code field message } }
}"""
PUBLISH = """
mutation Publish($input: PublishOpportunityInput!) {
  publishOpportunity(input: $input) { opportunity { status publishedAt } errors { code field message } }
}"""
CLOSE = """
mutation Close($input: CloseOpportunityInput!) {
  closeOpportunity(input: $input) { opportunity { status } errors { code field message } }
}"""
CANCEL = """
mutation Cancel($input: CancelOpportunityInput!) {
  cancelOpportunity(input: $input) { opportunity { status } errors { code field message } }
}"""
RENEW = """
mutation Renew($input: RenewOpportunityInput!) {
  renewOpportunity(input: $input) { opportunity { status expiresAt } errors { code field message } }
}"""
APPLY = """
mutation Apply($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { id status } errors { code field message } }
}"""
ACCEPT = """
mutation Accept($input: AcceptApplicationInput!) {
  acceptApplication(input: $input) { application { id status } errors { code field message } }
}"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def _fields(category: Any, **extra: Any) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=2)
    return {
        "kind": "REQUEST",
        "title": "Sort donated clothes",
        "description": "At the community centre.",
        "categoryId": gid("Category", category.id),
        "location": {"lat": 53.4794, "lng": -2.2453},
        "address": "1 Market St",
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(hours=2)).isoformat(),
        "places": 3,
    } | extra


async def test_post_a_draft_then_publish(gql: Any, alice: Any, category: Any, skill: Any) -> None:
    # when
    data = await gql(
        CREATE,
        {"input": {"fields": _fields(category, skillIds=[gid("Skill", skill.id)])}},
        as_=alice,
    )
    created = data["createOpportunity"]
    # then
    assert created["errors"] == []
    opportunity = created["opportunity"]
    assert opportunity["status"] == "DRAFT" and opportunity["kind"] == "REQUEST"
    assert opportunity["skills"] == [{"name": "First aid"}]
    assert opportunity["location"] == {"lat": 53.4794, "lng": -2.2453}  # the poster sees it
    assert opportunity["areaCell"]
    # when
    published = await gql(PUBLISH, {"input": {"opportunityId": opportunity["id"]}}, as_=alice)
    # then
    assert published["publishOpportunity"]["opportunity"]["status"] == "PUBLISHED"
    assert published["publishOpportunity"]["opportunity"]["publishedAt"]


async def test_drafts_are_invisible_to_others(
    gql: Any, alice: Any, make_person: Any, category: Any
) -> None:
    bob = await make_person(display_name="Bob")
    data = await gql(CREATE, {"input": {"fields": _fields(category)}}, as_=alice)
    draft_id = data["createOpportunity"]["opportunity"]["id"]
    seen = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": draft_id}, as_=bob)
    assert seen["node"] is None


async def test_only_the_exact_place_is_private(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    opportunity = await post(alice, address="12 Secret Lane", contact_details="call 0700")
    query = "query($id: ID!) { node(id: $id) { ... on Opportunity { areaCell location { lat } address contactDetails } } }"
    variables = {"id": gid("Opportunity", opportunity.id)}
    applied = await gql(APPLY, {"input": {"opportunityId": variables["id"]}}, as_=bob)
    application_id = applied["applyToOpportunity"]["application"]["id"]
    # when: bob applied but is not accepted; carol is a bystander
    before = (await gql(query, variables, as_=bob))["node"]
    bystander = (await gql(query, variables, as_=carol))["node"]
    await gql(ACCEPT, {"input": {"applicationId": application_id}}, as_=alice)
    after = (await gql(query, variables, as_=bob))["node"]
    # then
    for hidden in (before, bystander):
        assert hidden["areaCell"] and hidden["location"] is None
        assert hidden["address"] is None and hidden["contactDetails"] is None
    assert after["address"] == "12 Secret Lane" and after["contactDetails"] == "call 0700"
    assert after["location"] == {"lat": 53.4794}


async def test_required_fields_and_bad_values_are_typed_errors(
    gql: Any, alice: Any, category: Any
) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"places": 0}, "places"),
        ({"location": {"lat": 91, "lng": 0}}, "location"),
        ({"categoryId": gid("Hub", 1)}, "categoryId"),
        ({"categoryId": gid("Category", 10**9)}, "categoryId"),
        ({"requiredChecks": ["x-ray vision"]}, "requiredChecks"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"endsAt": past}, "endsAt"),
    ]
    for override, field in cases:
        data = await gql(CREATE, {"input": {"fields": _fields(category, **override)}}, as_=alice)
        errors = data["createOpportunity"]["errors"]
        assert [e["field"] for e in errors] == [field], (override, errors)
        assert errors[0]["code"] == "INVALID"
    published_in_past = _fields(category, startsAt=past, endsAt=None)
    data = await gql(CREATE, {"input": {"fields": published_in_past, "publish": True}}, as_=alice)
    assert data["createOpportunity"]["errors"][0]["field"] == "startsAt"
    assert await Opportunity.filter(poster_id=alice.member.id).count() == 0


async def test_editing_rules_per_state(gql: Any, alice: Any, make_person: Any, post: Any) -> None:
    # given: a published opportunity with one person accepted
    bob = await make_person(display_name="Bob")
    opportunity = await post(alice, places=3)
    oid = gid("Opportunity", opportunity.id)
    applied = await gql(APPLY, {"input": {"opportunityId": oid}}, as_=bob)
    await gql(
        ACCEPT,
        {"input": {"applicationId": applied["applyToOpportunity"]["application"]["id"]}},
        as_=alice,
    )
    # when / then: the description and places can change, but not below those accepted
    ok = await gql(
        UPDATE,
        {"input": {"opportunityId": oid, "fields": {"title": "New title", "places": 1}}},
        as_=alice,
    )
    assert ok["updateOpportunity"]["opportunity"] == {
        "id": oid,
        "title": "New title",
        "places": 1,
        "status": "FILLED",
    }
    below = await gql(UPDATE, {"input": {"opportunityId": oid, "fields": {"places": 0}}}, as_=alice)
    assert below["updateOpportunity"]["errors"][0]["field"] == "places"
    await post(alice)  # unrelated
    # and what accepted people signed up for is fixed
    moved = await gql(
        UPDATE,
        {"input": {"opportunityId": oid, "fields": {"location": {"lat": 53.5, "lng": -2.3}}}},
        as_=alice,
    )
    assert moved["updateOpportunity"]["errors"][0]["code"] == "NOT_EDITABLE"
    # and nobody else may edit it
    other = await gql(
        UPDATE, {"input": {"opportunityId": oid, "fields": {"title": "Mine now"}}}, as_=bob
    )
    assert other["updateOpportunity"]["errors"][0]["code"] == "FORBIDDEN"
    # a closed opportunity cannot change at all
    await gql(CLOSE, {"input": {"opportunityId": oid}}, as_=alice)
    closed = await gql(
        UPDATE, {"input": {"opportunityId": oid, "fields": {"title": "Again"}}}, as_=alice
    )
    assert closed["updateOpportunity"]["errors"][0]["code"] == "NOT_EDITABLE"


async def test_places_below_accepted_is_a_typed_error(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    opportunity = await post(alice, places=3, auto_accept=True)
    oid = gid("Opportunity", opportunity.id)
    for person in (bob, carol):
        await gql(APPLY, {"input": {"opportunityId": oid}}, as_=person)
    data = await gql(UPDATE, {"input": {"opportunityId": oid, "fields": {"places": 1}}}, as_=alice)
    assert data["updateOpportunity"]["errors"] == [
        {
            "code": "PLACES_BELOW_ACCEPTED",
            "field": "places",
            "message": "2 people are already accepted.",
        }
    ]


async def test_cancel_tells_applicants(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    bob = await make_person(display_name="Bob")
    opportunity = await post(alice)
    oid = gid("Opportunity", opportunity.id)
    await gql(APPLY, {"input": {"opportunityId": oid}}, as_=bob)
    data = await gql(CANCEL, {"input": {"opportunityId": oid}}, as_=alice)
    assert data["cancelOpportunity"]["opportunity"]["status"] == "CANCELLED"
    await run_jobs()
    await run_jobs()  # the event job queues the email job
    assert len(read_mail(bob.email, "Cancelled: Help in the community garden")) == 1
    again = await gql(CANCEL, {"input": {"opportunityId": oid}}, as_=alice)
    assert again["cancelOpportunity"]["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_expiry_reminder_then_expiry_then_renewal(
    gql: Any, alice: Any, post: Any, run_jobs: Any
) -> None:
    # given: a listing that expires in two days
    opportunity = await post(alice, starts_at=None, ends_at=None)
    await Opportunity.filter(id=opportunity.id).update(
        expires_at=datetime.now(UTC) + timedelta(days=2)
    )
    # when: the cron runs twice
    assert (await expiry.housekeeping())["reminded"] >= 1
    await expiry.housekeeping()
    await run_jobs()
    # then: one reminder
    assert (
        len(read_mail(alice.email, "Your opportunity “Help in the community garden” expires soon"))
        == 1
    )
    # when: time passes
    later = datetime.now(UTC) + timedelta(days=3)
    assert await expiry.expire_lapsed(now=later) >= 1
    await opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.EXPIRED
    # then: one mutation renews it
    renewed = await gql(
        RENEW,
        {"input": {"opportunityId": gid("Opportunity", opportunity.id), "days": 14}},
        as_=alice,
    )
    assert renewed["renewOpportunity"]["errors"] == []
    assert renewed["renewOpportunity"]["opportunity"]["status"] == "PUBLISHED"


async def test_create_declares_kind_title_and_category_required_update_keeps_all_optional(
    gql: Any, alice: Any, category: Any, post: Any
) -> None:
    # when: each required field is left out, or sent as null
    refused = []
    for name in ("kind", "title", "categoryId"):
        missing = {k: v for k, v in _fields(category).items() if k != name}
        for fields in (missing, {**missing, name: None}):
            refused.append((name, await gql.raw(CREATE, {"input": {"fields": fields}}, as_=alice)))
    # then: the request is refused before it runs, naming the field (the schema says so)
    for name, body in refused:
        assert body.get("data") is None, body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert name in error["message"], error
    assert await Opportunity.filter(poster_id=alice.member.id).count() == 0
    # when: the three alone
    minimal = {
        "kind": "OFFER",
        "title": "Lend a ladder",
        "categoryId": gid("Category", category.id),
    }
    created = (await gql(CREATE, {"input": {"fields": minimal}}, as_=alice))["createOpportunity"]
    # then: a draft with the defaults
    assert created["errors"] == []
    assert created["opportunity"]["kind"] == "OFFER"
    assert created["opportunity"]["placesLeft"] == 1
    # and an update still sends only what changes
    opportunity = await post(alice)
    changed = await gql(
        UPDATE,
        {
            "input": {
                "opportunityId": gid("Opportunity", opportunity.id),
                "fields": {"title": "New"},
            }
        },
        as_=alice,
    )
    assert changed["updateOpportunity"]["errors"] == []
    assert changed["updateOpportunity"]["opportunity"]["title"] == "New"
