"""Trials through the service against real Postgres: eligibility, first-come selection under
a 30-for-10 race, one report per tester, editing until the window closes, the reward earned
exactly once through the ledger, and every bad input as a typed error that writes nothing."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise

from app.credits.models import Transfer, TransferStatus
from app.errors import DomainError, DomainErrors
from app.people.models import CheckKind, CheckStatus, MemberSkill, Skill, TrustCheck
from app.trials import applications, reports, service
from app.trials.errors import TrialErrorCode as E
from app.trials.models import (
    Selection,
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialRating,
    TrialReport,
    TrialStatus,
)
from tests.trials.conftest import MANCHESTER, actor_of, balance, member, trial_input

REPORT = reports.ReportInput(ratings=[4, 5, 3], comment="Creamy", answers=[])


async def _written(hub_id: int) -> dict[str, int]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT (SELECT count(*) FROM trial WHERE hub_id = $1)::int AS trials,"
        " (SELECT count(*) FROM trial_application WHERE hub_id = $1)::int AS applications,"
        " (SELECT count(*) FROM trial_report WHERE hub_id = $1)::int AS reports,"
        " (SELECT count(*) FROM trial_rating WHERE hub_id = $1)::int AS ratings,"
        " (SELECT count(*) FROM transfer WHERE hub_id = $1)::int AS transfers",
        [hub_id],
    )
    return {k: int(v) for k, v in rows[0].items()}


async def _tester(hub: Any, trial: Trial, **kwargs: Any) -> Any:
    """A member selected as a tester of a first-come trial."""
    person = await member(hub, **kwargs)
    await applications.apply(actor=actor_of(person), trial_id=trial.id)
    return person


@pytest.mark.parametrize("count", [0, 9])
async def test_a_trial_needs_one_to_eight_dimensions(hub: Any, business: Any, count: int) -> None:
    # given: a business owner
    owner, org = business
    before = await _written(hub.id)
    # when: they post a trial with 0 or 9 dimensions
    with pytest.raises(DomainErrors) as caught:
        await service.create_trial(
            actor=actor_of(owner),
            given=trial_input(org, dimensions=[f"d{i}" for i in range(count)]),
        )
    # then: a typed error on `dimensions`, nothing written
    assert [(e.code, e.field) for e in caught.value.errors] == [(E.INVALID, "dimensions")]
    assert await _written(hub.id) == before


async def test_eligibility_rules_each_refuse_with_their_own_field(
    hub: Any, open_trial: Any
) -> None:
    # given: a trial within 5 km of Manchester, ages 25-40, cooks or bakers, with a skill and
    # a food hygiene certificate
    skill = await Skill.create(hub_id=hub.id, slug="barista", name="Barista")
    trial = await open_trial(
        near=MANCHESTER,
        within_km=5,
        min_age=25,
        max_age=40,
        interests=["cooking", "baking"],
        skill_ids=[skill.id],
        checks=[CheckKind.FOOD_HYGIENE.value],
    )
    today = date.today()
    good: dict[str, Any] = {"born": date(today.year - 30, 1, 1), "interests": ["baking"]}

    async def qualified(**changes: Any) -> Any:
        person = await member(hub, **{**good, **changes})
        await MemberSkill.create(hub_id=hub.id, member_id=person.id, skill_id=skill.id)
        await TrustCheck.create(
            hub_id=hub.id,
            member_id=person.id,
            kind=CheckKind.FOOD_HYGIENE,
            reference="FH-1",
            status=CheckStatus.VERIFIED,
            expires_on=today + timedelta(days=30),
        )
        return person

    async def refusal(person: Any) -> str | None:
        with pytest.raises(DomainError) as caught:
            await applications.apply(actor=actor_of(person), trial_id=trial.id)
        assert caught.value.code == E.NOT_ELIGIBLE
        return caught.value.field

    # when / then: each rule broken alone is named
    assert await refusal(await qualified(home=(53.40, -2.0))) == "distance"  # ~18 km away
    assert await refusal(await qualified(home=None)) == "distance"
    assert await refusal(await qualified(born=date(today.year - 50, 1, 1))) == "age"
    assert await refusal(await qualified(born=None)) == "age"
    assert await refusal(await qualified(interests=["gardening"])) == "interests"
    no_skill = await member(hub, **good)
    await TrustCheck.create(
        hub_id=hub.id,
        member_id=no_skill.id,
        kind=CheckKind.FOOD_HYGIENE,
        reference="x",
        status=CheckStatus.VERIFIED,
    )
    assert await refusal(no_skill) == "skills"
    expired = await qualified()
    await TrustCheck.filter(member_id=expired.id).update(expires_on=today - timedelta(days=1))
    assert await refusal(expired) == "checks"
    assert await TrialApplication.filter(trial_id=trial.id).count() == 0
    # and one who meets every rule applies
    fine = await qualified()
    made = await applications.apply(actor=actor_of(fine), trial_id=trial.id)
    assert made.status == TrialApplicationStatus.APPLIED


async def test_thirty_racing_applications_for_ten_first_come_places_select_exactly_ten(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: a first-come trial of 10 places rewarding 50 credits, and 30 eligible members
    trial = await open_trial(selection=Selection.FIRST_COME, places=10, reward_credits=50)
    people = [await member(hub, name=f"M{i}") for i in range(30)]
    # when: all 30 apply at once, each on its own connection
    results = await asyncio.gather(
        *(applications.apply(actor=actor_of(p), trial_id=trial.id) for p in people),
        return_exceptions=True,
    )
    # then: exactly 10 selected, 20 told NO_PLACES; 10 rewards held, no more
    selected = [r for r in results if isinstance(r, TrialApplication)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(selected) == 10 and all(
        r.status == TrialApplicationStatus.SELECTED for r in selected
    )
    assert len(refused) == 20 and {r.code for r in refused} == {E.NO_PLACES}
    assert (await Trial.get(id=trial.id)).selected == 10
    assert await TrialApplication.filter(trial_id=trial.id).count() == 10
    holds = await Transfer.filter(hub_id=hub.id, status=TransferStatus.PENDING, category="trials")
    assert len(holds) == 10 and sum(t.amount for t in holds) == 500


async def test_the_business_selects_its_testers_and_no_more_than_its_places(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: a chosen-testers trial with 1 place, and two applicants
    owner, _ = business
    trial = await open_trial(places=1)
    first, second = await member(hub), await member(hub)
    a1 = await applications.apply(actor=actor_of(first), trial_id=trial.id)
    a2 = await applications.apply(actor=actor_of(second), trial_id=trial.id)
    # when: a stranger tries to select, then the owner selects both
    with pytest.raises(DomainError) as stranger:
        await applications.select_tester(actor=actor_of(first), application_id=a2.id)
    chosen = await applications.select_tester(actor=actor_of(owner), application_id=a1.id)
    with pytest.raises(DomainError) as full:
        await applications.select_tester(actor=actor_of(owner), application_id=a2.id)
    # then
    assert stranger.value.code == E.FORBIDDEN
    assert chosen.status == TrialApplicationStatus.SELECTED
    assert full.value.code == E.NO_PLACES
    assert (await TrialApplication.get(id=a2.id)).status == TrialApplicationStatus.APPLIED
    with pytest.raises(DomainError) as twice:
        await applications.apply(actor=actor_of(first), trial_id=trial.id)
    assert twice.value.code == E.ALREADY_APPLIED


async def test_a_report_earns_its_reward_exactly_once_even_when_sent_twice_at_once(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: a tester of a first-come trial rewarding 50 credits
    _, org = business
    trial = await open_trial(selection=Selection.FIRST_COME, reward_credits=50)
    tester = await _tester(hub, trial)
    org_before = await balance(hub.id, org_id=org.id)
    # when: the report is submitted twice concurrently, then once more
    results = await asyncio.gather(
        reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT),
        reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT),
        return_exceptions=True,
    )
    with pytest.raises(DomainError) as again:
        await reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT)
    # then: one report, the second refused ALREADY_REPORTED; 50 credits moved once
    made = [r for r in results if isinstance(r, TrialReport)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and [e.code for e in errors] == [E.ALREADY_REPORTED]
    assert again.value.code == E.ALREADY_REPORTED
    assert await TrialReport.filter(trial_id=trial.id).count() == 1
    assert await TrialRating.filter(trial_id=trial.id).count() == 3
    assert await balance(hub.id, member_id=tester.id) == 50
    assert await balance(hub.id, org_id=org.id) == org_before - 50
    assert made[0].reward_transfer_id is not None


async def test_bad_reports_are_typed_errors_that_write_nothing(hub: Any, open_trial: Any) -> None:
    # given: a tester and a member who is not one
    trial = await open_trial(selection=Selection.FIRST_COME, reward_credits=10)
    tester = await _tester(hub, trial)
    stranger = await member(hub)
    before = await _written(hub.id)
    cases = [
        (tester, [0, 5, 3], E.INVALID, "ratings"),
        (tester, [4, 6, 3], E.INVALID, "ratings"),
        (tester, [4, 5], E.INVALID, "ratings"),
        (stranger, [4, 5, 3], E.NOT_A_TESTER, "trialId"),
    ]
    for person, ratings, code, field in cases:
        # when
        with pytest.raises((DomainError, DomainErrors)) as caught:
            await reports.submit_report(
                actor=actor_of(person),
                trial_id=trial.id,
                given=reports.ReportInput(ratings=ratings),
            )
        # then
        raised = caught.value
        error = raised.errors[0] if isinstance(raised, DomainErrors) else raised
        assert isinstance(error, DomainError)
        assert (error.code, error.field) == (code, field)
    assert await _written(hub.id) == before
    assert await balance(hub.id, member_id=tester.id) == 0


async def test_a_tester_edits_their_report_until_the_window_closes(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: a reported tester
    trial = await open_trial(selection=Selection.FIRST_COME, reward_credits=20)
    tester = await _tester(hub, trial)
    await reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT)
    # when: they edit it
    edited = await reports.edit_report(
        actor=actor_of(tester),
        trial_id=trial.id,
        given=reports.ReportInput(ratings=[1, 2, 3], comment="Changed my mind"),
    )
    # then: new ratings, no second reward
    scores = (
        await TrialRating.filter(report_id=edited.id)
        .order_by("dimension")
        .values_list("score", flat=True)
    )
    assert list(scores) == [1, 2, 3] and edited.comment == "Changed my mind"
    assert await balance(hub.id, member_id=tester.id) == 20
    # when: the window closes (the cron), an edit is refused
    await Trial.filter(id=trial.id).update(closes_at=datetime.now(UTC) - timedelta(seconds=1))
    assert await service.close_lapsed() >= 1
    with pytest.raises(DomainError) as late:
        await reports.edit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT)
    assert late.value.code == E.WINDOW_CLOSED
    assert (await Trial.get(id=trial.id)).status == TrialStatus.CLOSED


async def test_closing_releases_the_rewards_of_testers_who_never_reported(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: two testers of a 30-credit trial, one reported
    owner, org = business
    start = await balance(hub.id, org_id=org.id)
    trial = await open_trial(selection=Selection.FIRST_COME, reward_credits=30)
    reported, silent = await _tester(hub, trial), await _tester(hub, trial)
    await reports.submit_report(actor=actor_of(reported), trial_id=trial.id, given=REPORT)
    # when: the business closes the trial (and the cron runs after it: nothing more to do)
    await service.move_trial(actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.CLOSED)
    await service.close_lapsed()
    # then: the silent tester's hold is void; the business paid one reward
    hold = await TrialApplication.get(trial_id=trial.id, member_id=silent.id)
    assert (await Transfer.get(id=hold.reward_hold_id)).status == TransferStatus.VOIDED
    assert await balance(hub.id, org_id=org.id) == start - 30
    assert await balance(hub.id, member_id=silent.id) == 0
