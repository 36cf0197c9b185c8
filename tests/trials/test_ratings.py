"""Ratings queries against a hand-computed fixture, k-suppression on every slicing, and the
differencing defence.

The fixture (k = 4): ten testers rate Taste and Value.

    tester  taste value  home        age band  week
      1       5     3    Manchester  25-34     W1
      2       4     3    Manchester  25-34     W1
      3       4     2    Manchester  25-34     W1
      4       3     4    Manchester  25-34     W1
      5       5     1    Manchester  25-34     W1
      6       2     2    Manchester  25-34     W2
      7       4     3    Liverpool   35-44     W2
      8       5     5    Liverpool   35-44     W2
      9       3     3    Liverpool   35-44     W2
     10       4     4    Liverpool   55-64     W3

By hand (sample standard deviation; t(9) = 2.262 for the 95 % interval):
  Taste: sum 39, mean 3.9; sorted 2 3 3 4 4 4 4 5 5 5, median 4; squared deviations sum 8.9,
         variance 8.9/9, sd 0.99443; half-width 2.262 * 0.99443 / sqrt(10) = 0.71133, so
         [3.18867, 4.61133]; distribution 0 1 2 4 3; net (7 - 1) / 10 = +60.
  Value: sum 30, mean 3.0; sorted 1 2 2 3 3 3 3 4 4 5, median 3; squared deviations sum 12,
         sd 1.15470; half-width 2.262 * 1.15470 / sqrt(10) = 0.82597, so [2.17403, 3.82597];
         distribution 1 2 4 2 1; net (3 - 3) / 10 = 0.
  Manchester (testers 1-6): taste 23/6 = 3.83333, value 15/6 = 2.5. Liverpool (7-10): taste
         16/4 = 4.0, value 15/4 = 3.75, median taste (4+4)/2 = 4, value (3+4)/2 = 3.5.
  Age bands: 25-34 has 6; 35-44 has 3 (< k: suppressed), 55-64 has 1 (suppressed); the two
         suppressed hold 4 >= k together, so nothing more is hidden.
  Weeks: W1 has 5, W2 4, W3 1: W3 is under k; alone it holds 1 < k, so the smallest shown
         week (W2) is withheld too (complementary suppression): shown W1 only.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.errors import DomainError
from app.hubs.models import Hub
from app.policy import Viewer
from app.ratings import privacy
from app.ratings.comments import comments, scores_of
from app.ratings.errors import RatingsErrorCode as RE
from app.ratings.queries import (
    Slice,
    business_ratings,
    compare_periods,
    period_ratings,
    trial_ratings,
)
from app.trials import applications, reports, service
from app.trials.models import Selection, TrialReport, TrialStatus
from tests.trials.conftest import actor_of, member

MANCHESTER, LIVERPOOL = (53.4808, -2.2426), (53.4084, -2.9916)
TASTE = [5, 4, 4, 3, 5, 2, 4, 5, 3, 4]
VALUE = [3, 3, 2, 4, 1, 2, 3, 5, 3, 4]
AGES = [30] * 6 + [40] * 3 + [60]
WEEKS = [0] * 5 + [1] * 4 + [2]


def _monday(weeks_ago: int) -> date:
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday() + 7 * weeks_ago)


async def _fixture(hub: Any, open_trial: Any, business: Any, n: int = 10) -> Any:
    await Hub.filter(id=hub.id).update(privacy_k=4, ratings_cell_resolution=6)
    trial = await open_trial(
        selection=Selection.FIRST_COME, places=20, dimensions=["Taste", "Value"]
    )
    year = datetime.now(UTC).year
    for i in range(n):
        person = await member(
            hub,
            home=MANCHESTER if i < 6 else LIVERPOOL,
            born=date(year - AGES[i] - 1, 1, 1) if AGES[i] else None,
        )
        await applications.apply(actor=actor_of(person), trial_id=trial.id)
        report = await reports.submit_report(
            actor=actor_of(person),
            trial_id=trial.id,
            given=reports.ReportInput(
                ratings=[TASTE[i], VALUE[i]],
                comment=f"comment {i + 1}" if i % 2 == 0 else "",
                share_identity=i == 0,
            ),
        )
        # W1 is three weeks back, W3 the most recent (mid-week, so each stays in its week)
        when = datetime.combine(_monday(3 - WEEKS[i]), datetime.min.time(), UTC)
        await TrialReport.filter(id=report.id).update(created_at=when + timedelta(days=2))
    owner, _ = business
    await service.move_trial(actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.CLOSED)
    return trial, Viewer.of(actor_of(owner))


def _by_name(group: Any) -> dict[str, Any]:
    return {d.name: d for d in group.dimensions}


async def test_statistics_match_the_hand_computed_fixture(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: the ten reports of the fixture, the trial closed
    trial, viewer = await _fixture(hub, open_trial, business)
    # when
    found = await trial_ratings(viewer=viewer, trial_id=trial.id)
    # then: every number as computed by hand in the docstring
    assert found.whole.testers == 10 and not found.whole.suppressed
    taste, value = _by_name(found.whole)["Taste"], _by_name(found.whole)["Value"]
    assert (taste.count, taste.mean, taste.median) == (10, pytest.approx(3.9), 4.0)
    assert taste.stddev == pytest.approx(0.99443, abs=1e-5)
    assert (taste.ci_low, taste.ci_high) == (
        pytest.approx(3.18867, abs=1e-5),
        pytest.approx(4.61133, abs=1e-5),
    )
    assert taste.distribution == [0, 1, 2, 4, 3] and taste.net_score == 60.0
    assert (value.count, value.mean, value.median) == (10, pytest.approx(3.0), 3.0)
    assert value.stddev == pytest.approx(1.15470, abs=1e-5)
    assert (value.ci_low, value.ci_high) == (
        pytest.approx(2.17403, abs=1e-5),
        pytest.approx(3.82597, abs=1e-5),
    )
    assert value.distribution == [1, 2, 4, 2, 1] and value.net_score == 0.0


async def test_every_slicing_suppresses_groups_under_k_and_says_so(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given
    trial, viewer = await _fixture(hub, open_trial, business)
    # when: sliced by area (both cities >= k)
    area = await trial_ratings(viewer=viewer, trial_id=trial.id, slice_by=Slice.AREA)
    # then
    assert [(g.testers, g.suppressed) for g in area.groups] in (
        [(6, False), (4, False)],
        [(4, False), (6, False)],
    )
    by_size = {g.testers: _by_name(g) for g in area.groups}
    assert by_size[6]["Taste"].mean == pytest.approx(23 / 6)
    assert by_size[6]["Value"].mean == pytest.approx(2.5)
    assert (by_size[4]["Taste"].mean, by_size[4]["Taste"].median) == (4.0, 4.0)
    assert (by_size[4]["Value"].mean, by_size[4]["Value"].median) == (3.75, 3.5)
    # when: by age band: 35-44 (3) and 55-64 (1) are under k
    ages = await trial_ratings(viewer=viewer, trial_id=trial.id, slice_by=Slice.AGE_BAND)
    shown = {g.key: (g.testers, g.suppressed, len(g.dimensions)) for g in ages.groups}
    assert shown == {
        "25-34": (6, False, 2),
        "35-44": (None, True, 0),
        "55-64": (None, True, 0),
    }
    assert ages.suppressed_groups == 2
    # when: by week: W3 (1) under k, and W2 withheld with it so total - W1 is not W3 alone
    weeks = await trial_ratings(viewer=viewer, trial_id=trial.id, slice_by=Slice.WEEK)
    assert [(g.key, g.testers, g.suppressed) for g in weeks.groups] == [
        (_monday(3).isoformat(), 5, False),
        (_monday(2).isoformat(), None, True),
        (_monday(1).isoformat(), None, True),
    ]


async def test_a_whole_under_k_is_suppressed(hub: Any, business: Any, open_trial: Any) -> None:
    # given: only three testers reported (k = 4)
    trial, viewer = await _fixture(hub, open_trial, business, n=3)
    # when
    found = await trial_ratings(viewer=viewer, trial_id=trial.id, slice_by=Slice.AREA)
    # then: nothing but the fact that it is suppressed; comments withheld too
    assert found.whole.suppressed and found.whole.testers is None and found.whole.dimensions == []
    assert all(g.suppressed for g in found.groups)
    with pytest.raises(DomainError) as caught:
        await comments(viewer=viewer, trial_id=trial.id)
    assert caught.value.code == RE.FORBIDDEN


async def test_overlapping_periods_that_would_isolate_fewer_than_k_are_refused(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: W1 = 5 testers, W2 = 4, W3 = 1 (k = 4)
    trial, viewer = await _fixture(hub, open_trial, business)
    w1, w2, w3 = _monday(3), _monday(2), _monday(1)
    # when: two overlapping periods, W1-W2 (9 testers) and W1-W3 (10), whose difference is
    # the one tester of W3
    with pytest.raises(DomainError) as refused:
        await period_ratings(viewer=viewer, trial_id=trial.id, first_week=w1, last_week=w2)
    everything = await period_ratings(viewer=viewer, trial_id=trial.id, first_week=w1, last_week=w3)
    # then: W1-W2 is refused; W1-W3 holds every withheld week, so it is answered
    assert refused.value.code == RE.WOULD_ISOLATE
    assert everything.whole.testers == 10
    # and W1 alone against everything differs by W2+W3 = 5 >= k testers: both answered
    compared = await compare_periods(
        viewer=viewer, trial_id=trial.id, first=(w1, w1), second=(w1, w3)
    )
    assert compared.first.whole.testers == 5 and compared.second.whole.testers == 10
    w1_taste = (5 + 4 + 4 + 3 + 5) / 5
    assert compared.mean_differences["Taste"] == pytest.approx(3.9 - w1_taste)
    # and a period that is not whole weeks is refused as invalid
    with pytest.raises(DomainError) as invalid:
        await period_ratings(
            viewer=viewer, trial_id=trial.id, first_week=w1 + timedelta(days=1), last_week=w3
        )
    assert (invalid.value.code, invalid.value.field) == (RE.INVALID, "firstWeek")


def test_complementary_suppression_hides_until_the_hidden_hold_k() -> None:
    assert privacy.suppress({"a": 9, "b": 5, "c": 1}, 4) == {"b", "c"}
    assert privacy.suppress({"a": 9, "b": 5, "c": 4}, 4) == set()
    assert privacy.suppress({"a": 2, "b": 1}, 4) == {"a", "b"}
    assert privacy.suppress({"a": 9, "b": 2, "c": 3}, 4) == {"b", "c"}
    assert privacy.period_allowed({"w1"}, {"w2", "w3"})
    assert privacy.period_allowed({"w1", "w2", "w3"}, {"w2", "w3"})
    assert not privacy.period_allowed({"w1", "w2"}, {"w2", "w3"})


async def test_ratings_are_read_once_closed_by_the_business_only(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: a recruiting trial, and a member who is not of the business
    trial = await open_trial()
    owner, org = business
    stranger = Viewer.of(actor_of(await member(hub)))
    # when / then: not closed yet; not the stranger's to read
    with pytest.raises(DomainError) as early:
        await trial_ratings(viewer=Viewer.of(actor_of(owner)), trial_id=trial.id)
    assert early.value.code == RE.NOT_CLOSED
    with pytest.raises(DomainError) as other:
        await trial_ratings(viewer=stranger, trial_id=trial.id)
    assert other.value.code == RE.FORBIDDEN
    with pytest.raises(DomainError) as other_business:
        await business_ratings(viewer=stranger, organisation_id=org.id)
    assert other_business.value.code == RE.FORBIDDEN


async def test_across_a_business_only_trials_with_k_testers_count(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given: the fixture's trial (10 testers) and a second closed trial with 2 testers
    trial, viewer = await _fixture(hub, open_trial, business)
    await _fixture(hub, open_trial, business, n=2)
    _, org = business
    # when
    found = await business_ratings(viewer=viewer, organisation_id=org.id)
    # then: the small trial is left out (and said so): total minus the big trial is nothing
    assert found.trial_ids == [trial.id] and found.excluded_trials == 1
    assert found.whole.testers == 10
    assert _by_name(found.whole)["Taste"].mean == pytest.approx(3.9)


async def test_comments_come_with_their_ratings_and_a_name_only_if_agreed(
    hub: Any, business: Any, open_trial: Any
) -> None:
    # given
    trial, viewer = await _fixture(hub, open_trial, business)
    # when
    found = await (await comments(viewer=viewer, trial_id=trial.id))
    scores = await scores_of([r.id for r in found])
    # then: the five commented reports (1, 3, 5, 7, 9), each with its scores; one named
    by_comment = {r.comment: (scores[r.id], r.share_identity) for r in found}
    assert by_comment == {
        "comment 1": ([5, 3], True),
        "comment 3": ([4, 2], False),
        "comment 5": ([5, 1], False),
        "comment 7": ([4, 3], False),
        "comment 9": ([3, 3], False),
    }
