"""Ideas: posting for an area with arguments, one support per member (race-safe, changeable
until the window closes), the threshold obliging the council to answer by a deadline, the
reminder cron (idempotent), public answers; only the council answers."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from app.civic import settings
from app.civic.ideas import service as ideas
from app.civic.ideas.models import Idea, IdeaArgument, IdeaSupport
from app.matching.models import Notification, NotificationKind
from app.people.models import Role
from tests.civic.conftest import FAR, NEAR, NOTIFICATIONS, actor_of, gid
from tests.helpers import count_sql
from workers.main import build_periodic_settings
from workers.tasks import civic_reminders

POST = """mutation($input: PostIdeaInput!) { postIdea(input: $input) {
  idea { id title status threshold supportCount windowEndsAt area { lat lng } author { id } }
  errors { code field message } } }"""
ARGUE = """mutation($input: ArgueIdeaInput!) { argueIdea(input: $input) {
  argument { id side text } errors { code field message } } }"""
SUPPORT = """mutation($input: SupportIdeaInput!) { supportIdea(input: $input) {
  idea { id supportCount status answerDueAt viewerSupports } errors { code field message } } }"""
WITHDRAW = """mutation($input: WithdrawIdeaSupportInput!) { withdrawIdeaSupport(input: $input) {
  idea { id supportCount status viewerSupports } errors { code field message } } }"""
ANSWER = """mutation($input: AnswerIdeaInput!) { answerIdea(input: $input) {
  idea { id status answer outcome answeredAt } errors { code field message } } }"""
IDEAS = """query { ideas(first: 20) { edges { node {
  id title status supportCount answer outcome viewerSupports author { id }
  arguments { side text author { id } }
} } } }"""


async def _rules(admin: Any, threshold: int = 3, window: int = 30, answer: int = 14) -> None:
    await settings.set_civic_settings(
        actor=actor_of(admin, Role.HUB_ADMIN), idea_threshold=threshold, idea_window_days=window,
        answer_days=answer,
    )  # fmt: skip


async def _post(gql: Any, person: Any, place: tuple[float, float] = NEAR) -> dict[str, Any]:
    value = {"title": "A zebra crossing on Back Lane", "body": "Children cross here.",
             "location": {"lat": place[0], "lng": place[1]}}  # fmt: skip
    return (await gql(POST, {"input": value}, as_=person))["postIdea"]  # type: ignore[no-any-return]


async def _support(gql: Any, person: Any, idea_id: str, doc: str = SUPPORT) -> dict[str, Any]:
    answer = await gql(doc, {"input": {"ideaId": idea_id}}, as_=person)
    return answer["supportIdea" if doc == SUPPORT else "withdrawIdeaSupport"]  # type: ignore[no-any-return]


async def test_an_idea_with_arguments_is_public_and_outside_the_area_is_refused(
    gql: Any, hub: Any, area: None, admin: Any, alice: Any, bob: Any
) -> None:
    await _rules(admin)
    # when
    posted = await _post(gql, alice)
    far = await _post(gql, alice, FAR)
    idea_id = posted["idea"]["id"]
    for side, text in (("FOR", "Safer for children"), ("AGAINST", "Slows the buses")):
        argued = await gql(ARGUE, {"input": {"ideaId": idea_id, "side": side, "text": text}},
                           as_=bob)  # fmt: skip
        assert argued["argueIdea"]["errors"] == []
    # then
    assert posted["errors"] == [] and posted["idea"]["status"] == "OPEN"
    assert posted["idea"]["threshold"] == 3 and posted["idea"]["author"] == {"id": alice.gid}
    assert far["errors"][0]["code"] == "OUTSIDE_AREA"
    assert await Idea.filter(hub_id=hub.id).count() == 1
    listed = await gql(IDEAS, headers={"CH-Hub": hub.slug})
    [node] = [e["node"] for e in listed["ideas"]["edges"]]
    assert [(a["side"], a["text"]) for a in node["arguments"]] == [
        ("FOR", "Safer for children"), ("AGAINST", "Slows the buses"),
    ]  # fmt: skip


async def test_support_once_changeable_until_the_window_closes(
    gql: Any, hub: Any, area: None, admin: Any, alice: Any, bob: Any
) -> None:
    await _rules(admin, threshold=10)
    idea_id = (await _post(gql, alice))["idea"]["id"]
    # when / then
    first = await _support(gql, bob, idea_id)
    assert first["errors"] == [] and first["idea"]["supportCount"] == 1
    assert first["idea"]["viewerSupports"] is True
    twice = await _support(gql, bob, idea_id)
    assert twice["errors"][0]["code"] == "ALREADY_SUPPORTED"
    withdrawn = await _support(gql, bob, idea_id, WITHDRAW)
    assert withdrawn["idea"]["supportCount"] == 0 and withdrawn["idea"]["viewerSupports"] is False
    again = await _support(gql, bob, idea_id, WITHDRAW)
    assert again["errors"][0]["code"] == "NOT_SUPPORTED"
    assert (await _support(gql, bob, idea_id))["idea"]["supportCount"] == 1
    # the window closes
    from app import ids

    pk = ids.pk_of(idea_id, "Idea")
    await Idea.filter(id=pk).update(window_ends_at=datetime.now(UTC) - timedelta(seconds=1))
    late = await _support(gql, alice, idea_id)
    late_withdraw = await _support(gql, bob, idea_id, WITHDRAW)
    argue_late = await gql(ARGUE, {"input": {"ideaId": idea_id, "side": "FOR", "text": "x"}},
                           as_=bob)  # fmt: skip
    assert late["errors"][0]["code"] == "WINDOW_CLOSED"
    assert late_withdraw["errors"][0]["code"] == "WINDOW_CLOSED"
    assert argue_late["argueIdea"]["errors"][0]["code"] == "WINDOW_CLOSED"
    assert await IdeaSupport.filter(idea_id=pk).count() == 1
    assert (await Idea.get(id=pk)).support_count == 1
    assert await IdeaArgument.filter(idea_id=pk).count() == 0
    listed = await gql(IDEAS, as_=bob)
    assert listed["ideas"]["edges"][0]["node"]["status"] == "CLOSED"


async def test_concurrent_support_clicks_count_once_per_member(
    gql: Any, hub: Any, area: None, admin: Any, alice: Any, make_person: Any
) -> None:
    await _rules(admin, threshold=100)
    idea_id = (await _post(gql, alice))["idea"]["id"]
    people = [await make_person() for _ in range(4)]
    clicks = [people[0]] * 10 + people[1:] * 3
    # when
    answers = await asyncio.gather(*(_support(gql, p, idea_id) for p in clicks))
    # then
    ok = [a for a in answers if a["errors"] == []]
    assert len(ok) == 4
    refused = {a["errors"][0]["code"] for a in answers if a["errors"]}
    assert refused == {"ALREADY_SUPPORTED"}
    from app import ids

    pk = ids.pk_of(idea_id, "Idea")
    assert (await Idea.get(id=pk)).support_count == 4
    assert await IdeaSupport.filter(idea_id=pk).count() == 4


async def test_the_threshold_obliges_a_public_answer_from_the_council_only(
    gql: Any,
    hub: Any,
    area: None,
    admin: Any,
    alice: Any,
    bob: Any,
    council: Any,
    make_person: Any,
) -> None:
    # given
    await _rules(admin, threshold=2, answer=14)
    idea_id = (await _post(gql, alice))["idea"]["id"]
    carol = await make_person()
    one = await _support(gql, bob, idea_id)
    assert one["idea"]["status"] == "OPEN" and one["idea"]["answerDueAt"] is None
    # when
    two = await _support(gql, carol, idea_id)
    # then: awaiting an answer within 14 days, even if a supporter changes their mind
    assert two["idea"]["status"] == "AWAITING_ANSWER"
    due = datetime.fromisoformat(two["idea"]["answerDueAt"])
    assert timedelta(days=13) < due - datetime.now(UTC) <= timedelta(days=14)
    withdrawn = await _support(gql, carol, idea_id, WITHDRAW)
    assert withdrawn["idea"]["status"] == "AWAITING_ANSWER"
    value = {"ideaId": idea_id, "answer": "We will paint it in spring.", "outcome": "ACCEPTED"}
    for person in (alice, bob, admin):
        refused = await gql(ANSWER, {"input": value}, as_=person)
        assert refused["answerIdea"]["errors"][0]["code"] == "FORBIDDEN"
    answered = await gql(ANSWER, {"input": value}, as_=council)
    again = await gql(ANSWER, {"input": value}, as_=council)
    assert answered["answerIdea"]["idea"]["status"] == "ANSWERED"
    assert again["answerIdea"]["errors"][0]["code"] == "ALREADY_ANSWERED"
    public = await gql(IDEAS, headers={"CH-Hub": hub.slug})
    node = public["ideas"]["edges"][0]["node"]
    assert (node["answer"], node["outcome"]) == ("We will paint it in spring.", "ACCEPTED")
    for person in (alice, bob):
        told = await gql(NOTIFICATIONS, as_=person)
        kinds = [e["node"]["kind"] for e in told["notifications"]["edges"]]
        assert kinds == ["IDEA_ANSWERED"], kinds


async def test_the_reminder_cron_tells_the_council_once_a_day_until_answered(
    gql: Any,
    hub: Any,
    area: None,
    admin: Any,
    alice: Any,
    bob: Any,
    council: Any,
    make_person: Any,
) -> None:
    # given: an idea that reached its threshold, its answer due in two days
    await _rules(admin, threshold=1, answer=2)
    idea_id = (await _post(gql, alice))["idea"]["id"]
    await _support(gql, bob, idea_id)
    other_council = await make_person(roles=[Role.COUNCIL])
    periodic = build_periodic_settings(burst=True)
    assert any("civic_reminders" in job.name for job in periodic["cron_jobs"])
    # when: the cron runs twice (two ticks, or two workers), then a day later
    first = await civic_reminders({})
    second = await civic_reminders({})
    tomorrow = await ideas.remind_due(now=datetime.now(UTC) + timedelta(days=1))
    # then
    assert (first, second, tomorrow) == (2, 0, 2)
    for person in (council, other_council):
        rows = await Notification.filter(
            member_id=person.member.id, kind=NotificationKind.IDEA_ANSWER_DUE
        ).count()
        assert rows == 2
    await gql(
        ANSWER, {"input": {"ideaId": idea_id, "answer": "Not this year.", "outcome": "REJECTED"}},
        as_=council,
    )  # fmt: skip
    assert await ideas.remind_due(now=datetime.now(UTC) + timedelta(days=2)) == 0


async def test_the_list_costs_the_same_statements_for_two_or_eight_ideas(
    gql: Any, hub: Any, area: None, admin: Any, alice: Any, bob: Any
) -> None:
    await _rules(admin, threshold=5)

    async def statements() -> int:
        with count_sql() as sql:
            await gql(IDEAS, as_=bob)
        return len(sql.statements)

    async def add(n: int) -> None:
        for _ in range(n):
            idea_id = (await _post(gql, alice))["idea"]["id"]
            await _support(gql, bob, idea_id)
            await gql(ARGUE, {"input": {"ideaId": idea_id, "side": "FOR", "text": "Yes"}},
                      as_=bob)  # fmt: skip

    await add(2)
    few = await statements()
    await add(6)
    assert await statements() == few
    assert gid("Idea", 1)
