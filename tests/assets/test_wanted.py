"""WANTED notices: posted, listed while open, closed by their author's side only; the exact
place is the author's."""

from typing import Any

from app.assets.models import AssetCategory, WantedNotice, WantedStatus
from app.organisations import service as organisations
from app.people.models import Role
from tests.assets.conftest import MANCHESTER, actor_of, gid
from tests.helpers import Person

CREATE = """
mutation Wanted($input: CreateWantedNoticeInput!) {
  createWantedNotice(input: $input) {
    wantedNotice { id status kind title withinKm areaCell location { lat lng } expiresAt
                   category { slug } author { displayName } organisation { name } viewerCanManage }
    errors { code field message }
  }
}"""
CLOSE = """
mutation Close($input: CloseWantedNoticeInput!) {
  closeWantedNotice(input: $input) { wantedNotice { status closedAt } errors { code field } }
}"""
LIST = """
query List($ids: [ID!], $kind: AssetKind) {
  wantedNotices(first: 20, assetCategoryIds: $ids, kind: $kind) { edges { node { title } } }
}"""
NODE = """
query Node($id: ID!) { node(id: $id) { ... on WantedNotice { title status location { lat } } } }"""
POINT = {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}


def _input(category: AssetCategory, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "title": title,
            "assetCategoryId": gid("AssetCategory", category.id),
            "location": POINT,
        }
        | extra
    }


async def test_post_list_and_close_a_wanted_notice(
    gql: Any, hub: Any, alice: Person, make_person: Any, furniture: AssetCategory
) -> None:
    # given
    bob = await make_person()
    books = await AssetCategory.get(hub_id=hub.id, slug="books")
    # when
    data = await gql(
        CREATE, _input(furniture, "A desk for our centre", kind="GIVEAWAY", withinKm=8), as_=alice
    )
    await gql(CREATE, _input(books, "Children's books"), as_=bob)
    # then
    notice = data["createWantedNotice"]["wantedNotice"]
    assert data["createWantedNotice"]["errors"] == []
    assert (notice["status"], notice["kind"], notice["withinKm"]) == ("OPEN", "GIVEAWAY", 8)
    assert notice["location"] == {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}
    assert notice["category"] == {"slug": "furniture"} and notice["viewerCanManage"] is True
    listed = await gql(LIST, {}, as_=bob)
    assert [e["node"]["title"] for e in listed["wantedNotices"]["edges"]] == [
        "Children's books",
        "A desk for our centre",
    ]
    only_books = await gql(LIST, {"ids": [gid("AssetCategory", books.id)]}, as_=bob)
    assert [e["node"]["title"] for e in only_books["wantedNotices"]["edges"]] == [
        "Children's books"
    ]
    # a notice wanting any kind matches every kind
    loans = await gql(LIST, {"kind": "LOAN"}, as_=bob)
    assert [e["node"]["title"] for e in loans["wantedNotices"]["edges"]] == ["Children's books"]
    # the exact place is the author's; others see the area
    seen = (await gql(NODE, {"id": notice["id"]}, as_=bob))["node"]
    assert seen == {"title": "A desk for our centre", "status": "OPEN", "location": None}
    # when: bob may not close it; alice does
    refused = await gql(CLOSE, {"input": {"wantedNoticeId": notice["id"]}}, as_=bob)
    closed = await gql(CLOSE, {"input": {"wantedNoticeId": notice["id"]}}, as_=alice)
    again = await gql(CLOSE, {"input": {"wantedNoticeId": notice["id"]}}, as_=alice)
    # then
    assert refused["closeWantedNotice"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    assert closed["closeWantedNotice"]["wantedNotice"]["status"] == "CLOSED"
    assert again["closeWantedNotice"]["errors"][0]["code"] == "INVALID_TRANSITION"
    listed = await gql(LIST, {}, as_=bob)
    assert [e["node"]["title"] for e in listed["wantedNotices"]["edges"]] == ["Children's books"]
    # a closed notice is its author's (and moderators') to see
    assert (await gql(NODE, {"id": notice["id"]}, as_=bob))["node"] is None
    moderator = await make_person(roles=[Role.MODERATOR])
    assert (await gql(NODE, {"id": notice["id"]}, as_=moderator))["node"]["status"] == "CLOSED"
    mine = await gql("{ myWantedNotices(first: 5) { edges { node { title status } } } }", as_=alice)
    assert mine["myWantedNotices"]["edges"] == [
        {"node": {"title": "A desk for our centre", "status": "CLOSED"}}
    ]


async def test_a_notice_for_an_organisation_is_closed_by_its_people(
    gql: Any, alice: Person, make_person: Any, furniture: AssetCategory
) -> None:
    # given: bob is staff of alice's charity; carol is not
    bob, carol = await make_person(), await make_person()
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Food Bank", kind="charity"
    )
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=charity.id, member_id=bob.member.id, role="staff"
    )
    org = gid("Organisation", charity.id)
    # when
    refused = await gql(CREATE, _input(furniture, "Shelving", organisationId=org), as_=carol)
    data = await gql(CREATE, _input(furniture, "Shelving", organisationId=org), as_=alice)
    notice_id = data["createWantedNotice"]["wantedNotice"]["id"]
    closed = await gql(CLOSE, {"input": {"wantedNoticeId": notice_id}}, as_=bob)
    # then
    assert refused["createWantedNotice"]["errors"][0]["code"] == "FORBIDDEN"
    assert data["createWantedNotice"]["wantedNotice"]["organisation"] == {"name": "Food Bank"}
    assert closed["closeWantedNotice"]["errors"] == []
    row = await WantedNotice.get(organisation_id=charity.id)
    assert (row.status, row.author_id) == (WantedStatus.CLOSED, alice.member.id)
