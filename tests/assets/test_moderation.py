"""The promotions guard through the API: an advert is held with its reason shown to its author;
moderators and hub admins list held assets and approve (listed, the asset.listed event) or
reject them (with a note the author reads); nobody else may."""

from typing import Any

from app.assets.models import Asset, AssetStatus
from app.jobs.models import OutboxJob
from app.people.models import Role
from tests.assets.conftest import MANCHESTER, gid
from tests.helpers import Person

CREATE = """
mutation Create($input: CreateAssetInput!) {
  createAsset(input: $input) { asset { id status heldReason listedAt } errors { code } }
}"""
UPDATE = """
mutation Update($input: UpdateAssetInput!) {
  updateAsset(input: $input) { asset { status heldReason } errors { code } }
}"""
PUBLISH = """
mutation Publish($input: PublishAssetInput!) {
  publishAsset(input: $input) { asset { status heldReason } errors { code } }
}"""
HELD = """
query Held { heldAssets(first: 20) { edges { node { title heldReason ownerMember { displayName } } } } }"""
APPROVE = """
mutation Approve($input: ApproveAssetInput!) {
  approveAsset(input: $input) {
    asset { status listedAt heldReason reviewNote } errors { code field message }
  }
}"""
REJECT = """
mutation Reject($input: RejectAssetInput!) {
  rejectAsset(input: $input) { asset { status reviewNote } errors { code field message } }
}"""
SEARCH = """query { assets(first: 20) { edges { node { title } } } }"""
LISTED_JOBS = "event:asset.listed:app.assets.wanted.notify_wanted"


def _fields(furniture: Any, title: str, description: str = "") -> dict[str, Any]:
    return {
        "kind": "GIVEAWAY",
        "title": title,
        "description": description,
        "assetCategoryId": gid("AssetCategory", furniture.id),
        "location": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]},
    }


async def _listed_events(asset_id: int) -> int:
    prefix = f"event:asset.listed:{asset_id}:"
    return await OutboxJob.filter(name=LISTED_JOBS, key__startswith=prefix).count()


async def test_an_advert_is_held_then_approved_by_a_moderator(
    gql: Any, alice: Person, make_person: Any, furniture: Any
) -> None:
    # given
    moderator = await make_person(display_name="Mo", roles=[Role.MODERATOR])
    fields = _fields(furniture, "Office chairs", "Only £15 each, call now!")
    # when
    created = await gql(CREATE, {"input": {"fields": fields, "publish": True}}, as_=alice)
    # then: held, with the reason shown to its author; not in search
    asset = created["createAsset"]["asset"]
    assert asset["status"] == "HELD" and asset["listedAt"] is None
    assert asset["heldReason"] == (
        "It names a price in money (“£15”): listings are free or priced in credits."
    )
    assert (await gql(SEARCH, as_=moderator))["assets"]["edges"] == []
    held = (await gql(HELD, as_=moderator))["heldAssets"]["edges"]
    assert [e["node"] for e in held] == [
        {
            "title": "Office chairs",
            "heldReason": asset["heldReason"],
            "ownerMember": {"displayName": "Alice"},
        }
    ]
    row = await Asset.get(title="Office chairs", hub_id=alice.member.hub_id)  # type: ignore[attr-defined]
    assert await _listed_events(row.id) == 0
    # when: the moderator approves it
    approved = await gql(
        APPROVE, {"input": {"assetId": asset["id"], "note": "Fine: a fair price"}}, as_=moderator
    )
    # then: listed now, announced once, found in search
    result = approved["approveAsset"]
    assert result["errors"] == []
    assert result["asset"]["status"] == "LISTED" and result["asset"]["listedAt"]
    assert (result["asset"]["heldReason"], result["asset"]["reviewNote"]) == (
        "",
        "Fine: a fair price",
    )
    await row.refresh_from_db()
    assert row.reviewed_by_id == moderator.member.id
    assert await _listed_events(row.id) == 1
    assert [e["node"]["title"] for e in (await gql(SEARCH, as_=alice))["assets"]["edges"]] == [
        "Office chairs"
    ]
    assert (await gql(HELD, as_=moderator))["heldAssets"]["edges"] == []


async def test_a_rejected_listing_shows_the_note_and_may_be_edited_and_published_again(
    gql: Any, alice: Person, make_person: Any, furniture: Any
) -> None:
    # given: an advert held for review; a hub admin reviews it
    admin = await make_person(display_name="Ada", roles=[Role.HUB_ADMIN])
    fields = _fields(furniture, "Sofas for sale", "Visit www.sofashop.co.uk")
    created = await gql(CREATE, {"input": {"fields": fields, "publish": True}}, as_=alice)
    asset_id = created["createAsset"]["asset"]["id"]
    assert len((await gql(HELD, as_=admin))["heldAssets"]["edges"]) == 1
    # when
    rejected = await gql(
        REJECT,
        {"input": {"assetId": asset_id, "note": "Please share it for free, without a shop link."}},
        as_=admin,
    )
    # then: the author reads the note
    assert rejected["rejectAsset"] == {
        "asset": {
            "status": "REJECTED",
            "reviewNote": "Please share it for free, without a shop link.",
        },
        "errors": [],
    }
    # when: the author edits it and publishes again: the guard passes it now
    changes = {"title": "Sofa", "description": "Free to a good home."}
    await gql(UPDATE, {"input": {"assetId": asset_id, "fields": changes}}, as_=alice)
    published = await gql(PUBLISH, {"input": {"assetId": asset_id}}, as_=alice)
    assert published["publishAsset"]["asset"] == {"status": "LISTED", "heldReason": ""}


async def test_a_listed_asset_whose_text_turns_into_an_advert_is_held(
    gql: Any, alice: Person, list_asset: Any
) -> None:
    desk = await list_asset(alice)
    # when
    changed = await gql(
        UPDATE,
        {"input": {"assetId": gid("Asset", desk.id), "fields": {"description": "20% off!"}}},
        as_=alice,
    )
    # then
    assert changed["updateAsset"]["asset"] == {
        "status": "HELD",
        "heldReason": "It offers a reduction (“20% off”): promotions are not for this hub.",
    }


async def test_only_moderators_and_hub_admins_review_and_only_held_assets(
    gql: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    held = await list_asset(alice, title="Chairs £5")
    listed = await list_asset(alice, title="Chairs")
    assert held.status == AssetStatus.HELD
    moderator = await make_person(roles=[Role.MODERATOR])
    member = await make_person()
    # when / then: members (even the owner) may not list or review held assets
    for person in (alice, member):
        body = await gql.raw(HELD, as_=person)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        for document in (APPROVE, REJECT):
            data = await gql(
                document, {"input": {"assetId": gid("Asset", held.id), "note": "no"}}, as_=person
            )
            assert [e["code"] for e in next(iter(data.values()))["errors"]] == ["FORBIDDEN"]
    not_held = await gql(APPROVE, {"input": {"assetId": gid("Asset", listed.id)}}, as_=moderator)
    assert [e["code"] for e in not_held["approveAsset"]["errors"]] == ["INVALID_TRANSITION"]
    no_note = await gql(
        REJECT, {"input": {"assetId": gid("Asset", held.id), "note": " "}}, as_=moderator
    )
    assert [(e["code"], e["field"]) for e in no_note["rejectAsset"]["errors"]] == [
        ("INVALID", "note")
    ]
    assert (await Asset.get(id=held.id)).status == AssetStatus.HELD
