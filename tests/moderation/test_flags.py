"""Automatic flags: the rule set read by hand, hub admins' tuning, and the flags a case gets from
reports (several members) and from publishing (the event subscribers)."""

from typing import Any

import pytest

from app.moderation import flags, reports
from app.moderation.flags import DEFAULT, Rules
from app.moderation.models import ModerationCase, Target
from tests.moderation.conftest import codes, gid, refusal, report

SET_RULES = """
mutation($input: SetModerationFlagRulesInput!) {
  setModerationFlagRules(input: $input) {
    rules { promotionWords flagPhone flagEmail flagLinks severalReporters }
    errors { code field }
  }
}
"""
RULES = "query { moderationFlagRules { promotionWords severalReporters flagPhone } }"


@pytest.mark.parametrize(
    ("target", "text", "expected"),
    [
        (Target.ASSET, "Free to a good home: a sofa, collect from Ancoats", []),
        (Target.ASSET, "Sofa 20% off this week only, buy now", ["promotion"]),
        (Target.OPPORTUNITY, "Help me move, call 07700 900123", ["phone"]),
        (Target.OPPORTUNITY, "Help me move, +44 (0)161 496 0000", ["phone"]),
        (Target.REVIEW, "Great! write to me at ben@example.org", ["email"]),
        (Target.STORY, "Read more on www.example.com", ["link"]),
        (Target.STORY, "Read more at https://example.org/story", ["link"]),
        (Target.MEMBER, "I volunteered 3 times in 2025, 40 hours", []),
        # Businesses may sell: only contact details are flagged in their objects.
        (Target.VOUCHER_OFFER, "20% off coffee, buy now", []),
        (Target.ORGANISATION, "Call 0161 496 0000 or see www.example.com", []),
    ],
)
def test_the_default_rules(target: Target, text: str, expected: list[str]) -> None:
    assert flags.flags_of(DEFAULT, target, text) == expected


def test_tuned_rules() -> None:
    # given: a hub's own word, and phone numbers allowed
    rules = Rules(promotion_words=("my shop",), flag_phone=False)
    # then
    assert flags.flags_of(rules, Target.ASSET, "Visit My Shop on Oldham Street") == ["promotion"]
    assert flags.flags_of(rules, Target.ASSET, "Phone 07700 900123") == []
    assert flags.flags_of(rules, Target.ASSET, "workshop bench") == []  # words, not substrings


async def test_a_hub_admin_tunes_the_rules_and_others_cannot(
    gql: Any, hub: Any, admin: Any, moderator: Any
) -> None:
    # when
    data = await gql(
        SET_RULES,
        {"input": {"promotionWords": [" Cash Only ", "cash only"], "severalReporters": 2}},
        as_=admin,
    )
    refused = await gql.raw(SET_RULES, {"input": {"flagPhone": False}}, as_=moderator)
    bad = await gql(SET_RULES, {"input": {"severalReporters": 1}}, as_=admin)
    # then
    assert data["setModerationFlagRules"] == {
        "rules": {
            "promotionWords": ["cash only"],
            "flagPhone": True,
            "flagEmail": True,
            "flagLinks": True,
            "severalReporters": 2,
        },
        "errors": [],
    }
    assert refusal(refused, "setModerationFlagRules") == "FORBIDDEN"
    assert codes(bad["setModerationFlagRules"]) == [("INVALID", "severalReporters")]
    read = await gql(RULES, as_=admin)
    assert read["moderationFlagRules"] == {
        "promotionWords": ["cash only"],
        "severalReporters": 2,
        "flagPhone": True,
    }
    assert (await flags.rules_of(hub.id)).several_reporters == 2


async def test_reports_from_several_members_flag_the_object(
    gql: Any, hub: Any, admin: Any, make_person: Any, bob: Any
) -> None:
    # given: two reporters are "several" in this hub
    await gql(SET_RULES, {"input": {"severalReporters": 2}}, as_=admin)
    first, second = await make_person(), await make_person()
    # when
    await report(gql, first, bob.gid)
    one = await ModerationCase.get(hub_id=hub.id)
    await report(gql, second, bob.gid)
    # then
    assert one.flags == []
    case = await ModerationCase.get(hub_id=hub.id)
    assert (case.report_count, case.flags) == (2, ["reported_by_several"])


async def test_publishing_contact_details_opens_a_flagged_case(
    hub: Any, bob: Any, post: Any, run_jobs: Any
) -> None:
    # given
    clean = await post(bob, title="Help moving a sofa")
    dirty = await post(bob, title="Help moving a sofa, text 07700 900123")
    # when: the subscribers of opportunity.published run
    await run_jobs()
    # then: only the dirty one waits for a moderator, with no report
    cases = await ModerationCase.filter(hub_id=hub.id)
    assert [(c.object_id, c.flags, c.report_count) for c in cases] == [(dirty.id, ["phone"], 0)]
    # and: flagging again adds nothing
    again = await reports.flag(hub_id=hub.id, target=Target.OPPORTUNITY, object_id=dirty.id)
    assert again is not None and again.id == cases[0].id
    assert await reports.flag(hub_id=hub.id, target=Target.OPPORTUNITY, object_id=clean.id) is None
    assert await ModerationCase.filter(hub_id=hub.id).count() == 1
    assert gid("Opportunity", dirty.id)


async def test_editing_a_listed_opportunitys_words_is_read_again(
    gql: Any, hub: Any, bob: Any, post: Any, run_jobs: Any
) -> None:
    # given: a clean listing, read when it was published
    listing = await post(bob, title="Help moving a sofa")
    await run_jobs()
    assert not await ModerationCase.filter(hub_id=hub.id).exists()
    # when: its description gains a phone number
    edit = """mutation($input: UpdateOpportunityInput!) {
      updateOpportunity(input: $input) { errors { code field } } }"""
    fields = {"description": "Two flights of stairs. Call 07700 900123."}
    data = await gql(
        edit,
        {"input": {"opportunityId": gid("Opportunity", listing.id), "fields": fields}},
        as_=bob,
    )
    await run_jobs()
    # then
    assert data["updateOpportunity"]["errors"] == []
    cases = await ModerationCase.filter(hub_id=hub.id)
    assert [(c.object_id, c.flags, c.report_count) for c in cases] == [(listing.id, ["phone"], 0)]


async def test_editing_a_review_is_read_again(
    hub: Any, alice: Any, bob: Any, post: Any, run_jobs: Any
) -> None:
    # given: Bob's clean review of Alice, after a lunch club she ran
    from app.opportunities.models import Application
    from app.portfolios import reviews
    from app.portfolios.models import Review
    from tests.moderation.conftest import actor_of

    done = await post(alice, title="Lunch club")
    place = await Application.create(
        hub_id=hub.id, opportunity_id=done.id, applicant_id=bob.member.id, status="accepted"
    )
    review = await Review.create(
        hub_id=hub.id, application_id=place.id, author_id=bob.member.id,
        subject_id=alice.member.id, rating=4, comment="Good soup",
    )  # fmt: skip
    # when: he edits it to carry a phone number
    await reviews.edit_review(
        actor=actor_of(bob), review_id=review.id, comment="Good soup. Text me: 07700 900123"
    )
    await run_jobs()
    # then
    cases = await ModerationCase.filter(hub_id=hub.id)
    assert [(c.target, c.object_id, c.flags) for c in cases] == [
        (Target.REVIEW, review.id, ["phone"])
    ]
