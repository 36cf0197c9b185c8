"""Editing a campaign through the API: its owner side changes a draft (any field of the create
input but kind and owner), an open campaign's story only, an ended one nothing; anyone else is
refused; bad input comes back as typed errors, all at once, and writes nothing."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import Campaign
from app.credits import ledger
from schema.relay import decode_id
from tests.campaigns.conftest import gid
from tests.helpers import Person

CREATE = """
mutation Create($input: CreateCampaignInput!) {
  createCampaign(input: $input) { campaign { id } errors { code field message } }
}"""
EDIT = """
mutation Edit($input: EditCampaignInput!) {
  editCampaign(input: $input) {
    campaign { id title story target deadline unitPrice tippingUnits maxUnits countInKind status }
    errors { code field message }
  }
}"""
OPEN = """
mutation Open($input: OpenCampaignInput!) {
  openCampaign(input: $input) { campaign { status } errors { code field } }
}"""
CANCEL = """
mutation Cancel($input: CancelCampaignInput!) {
  cancelCampaign(input: $input) { campaign { status } errors { code field } }
}"""


def _when(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def _draft(gql: Any, owner: Person, **fields: Any) -> str:
    fields.setdefault("kind", "PROJECT")
    fields.setdefault("title", "Repair café")
    fields.setdefault("deadline", _when(60))
    if fields["kind"] == "PROJECT":
        fields.setdefault("target", 500)
    made = (await gql(CREATE, {"input": fields}, as_=owner))["createCampaign"]
    assert made["errors"] == [], made
    return str(made["campaign"]["id"])


async def _edit(gql: Any, person: Person, campaign: str, **fields: Any) -> dict[str, Any]:
    answer = await gql(EDIT, {"input": {"campaignId": campaign, **fields}}, as_=person)
    return answer["editCampaign"]  # type: ignore[no-any-return]


def _pk(campaign: str) -> int:
    return decode_id(campaign, "Campaign", field="campaignId", invalid=E.INVALID)


async def _row(campaign: str) -> dict[str, Any]:
    found = await Campaign.get(id=_pk(campaign))
    return {
        k: getattr(found, k)
        for k in ("title", "story", "target", "deadline", "status", "count_in_kind")
    }


async def test_the_owner_edits_a_draft_then_only_the_story_once_open_and_nothing_once_ended(
    gql: Any, alice: Person, make_person: Any
) -> None:
    # given: Alice's draft project
    draft = await _draft(gql, alice)
    # when: she changes its title, story, target, deadline and counts in-kind pledges
    later = _when(120)
    edited = await _edit(
        gql,
        alice,
        draft,
        title="Repair café, Saturdays",
        story="Fix it, don't bin it.",
        target=800,
        deadline=later,
        countInKind=True,
    )
    # then: the draft has them
    assert edited["errors"] == []
    assert {k: edited["campaign"][k] for k in ("title", "story", "target", "countInKind")} == {
        "title": "Repair café, Saturdays",
        "story": "Fix it, don't bin it.",
        "target": 800,
        "countInKind": True,
    }
    assert datetime.fromisoformat(edited["campaign"]["deadline"]) == datetime.fromisoformat(later)
    # when: Ben (not its owner) edits it
    ben = await make_person(display_name="Ben")
    before = await _row(draft)
    body = await gql.raw(EDIT, {"input": {"campaignId": draft, "title": "Mine"}}, as_=ben)
    # then: refused, nothing changed
    assert [e["code"] for e in body["data"]["editCampaign"]["errors"]] == ["FORBIDDEN"], body
    assert await _row(draft) == before
    # when: Alice opens it, then edits its story, then its title and target
    opened = await gql(OPEN, {"input": {"campaignId": draft}}, as_=alice)
    assert opened["openCampaign"]["errors"] == []
    story = await _edit(gql, alice, draft, story="Now with a soldering corner.")
    fixed = await _edit(gql, alice, draft, title="Other", target=1, story="Also this")
    # then: the story changed; the other fields are NOT_EDITABLE, each named, nothing written
    assert story["errors"] == [] and story["campaign"]["story"] == "Now with a soldering corner."
    assert sorted((e["code"], e["field"]) for e in fixed["errors"]) == [
        ("NOT_EDITABLE", "target"),
        ("NOT_EDITABLE", "title"),
    ]
    assert (await _row(draft))["story"] == "Now with a soldering corner."
    # when: it is cancelled and Alice edits the story
    await gql(CANCEL, {"input": {"campaignId": draft}}, as_=alice)
    ended = await _edit(gql, alice, draft, story="Sorry")
    # then
    assert [e["code"] for e in ended["errors"]] == ["INVALID_TRANSITION"]
    assert (await _row(draft))["story"] == "Now with a soldering corner."


async def test_bad_edits_of_a_draft_are_typed_errors_together_and_write_nothing(
    gql: Any, hub: Any, alice: Person, organisation: Any
) -> None:
    # given: a draft project and a draft group buy of Alice's
    project = await _draft(gql, alice)
    shop = await organisation(alice, "Bulk flour co-op")
    other_shop = await organisation(alice, "Bulk rice co-op")
    buy = await _draft(
        gql,
        alice,
        kind="GROUP_BUY",
        supplierId=gid("Organisation", shop.id),
        unitPrice=4,
        tippingUnits=10,
        maxUnits=20,
    )
    before = (await _row(project), await _row(buy))
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str | None]]]] = [
        (project, {}, [("INVALID", None)]),
        (project, {"title": "  "}, [("INVALID", "title")]),
        (project, {"title": None}, [("INVALID", "title")]),
        (project, {"target": 0}, [("INVALID", "target")]),
        (project, {"target": None}, [("INVALID", "target")]),
        (project, {"deadline": _when(-5)}, [("INVALID", "deadline")]),
        (project, {"unitPrice": 5}, [("INVALID", "unitPrice")]),
        (
            project,
            {"title": "", "target": -1, "deadline": _when(60 * 24 * 400)},
            [("INVALID", "deadline"), ("INVALID", "target"), ("INVALID", "title")],
        ),
        (buy, {"maxUnits": 5}, [("INVALID", "maxUnits")]),
        (buy, {"unitPrice": 0}, [("INVALID", "unitPrice")]),
        (buy, {"target": 100}, [("INVALID", "target")]),
        (buy, {"supplierId": gid("Organisation", 999_999_999)}, [("NOT_FOUND", "supplierId")]),
        (buy, {"supplierId": "not-an-id"}, [("INVALID", "supplierId")]),
    ]
    for campaign, fields, expected in cases:
        # when
        answer = await _edit(gql, alice, campaign, **fields)
        # then
        assert sorted((e["code"], e["field"]) for e in answer["errors"]) == expected, fields
        assert answer["campaign"] is None
    assert (await _row(project), await _row(buy)) == before
    # when: the group buy's supplier, tipping point and maximum change (maximum cleared)
    moved = await _edit(
        gql,
        alice,
        buy,
        supplierId=gid("Organisation", other_shop.id),
        tippingUnits=4,
        maxUnits=None,
    )
    # then: its recipient is the new supplier's account
    assert moved["errors"] == []
    assert (moved["campaign"]["tippingUnits"], moved["campaign"]["maxUnits"]) == (4, None)
    row = await Campaign.get(id=_pk(buy))
    recipient = await ledger.organisation_account(hub.id, other_shop.id)
    assert (row.supplier_id, row.recipient_account_id) == (other_shop.id, recipient.id)
