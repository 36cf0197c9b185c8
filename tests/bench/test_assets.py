"""The rows bench/assets.py makes, checked in Python (no database): bookings of one asset never
overlap and lie inside its opening hours; scenario 7 asks for next Tuesday 14:00-16:00 local."""

import random
from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from bench import assets
from bench.scenarios import next_tuesday_afternoon

NOW = datetime(2026, 10, 20, 9, 30, tzinfo=UTC)  # a Tuesday; British Summer Time ends on the 25th
LONDON = ZoneInfo("Europe/London")


def test_bookings_of_one_asset_never_overlap_and_keep_its_opening_hours() -> None:
    # given three bookables: weekdays 09-18, every day 08-22, and open at any time
    rng = random.Random(3)
    hours = {
        1: [(d, "09:00", "18:00") for d in range(1, 6)],
        2: [(d, "08:00", "22:00") for d in range(1, 8)],
        3: [],
    }

    # when 300 bookings are drawn for them
    rows = list(assets._bookings(rng, 1, [1, 2, 3], hours, 300, 50, NOW))

    # then each has its share, and the slots of one asset follow each other without overlap
    assert len(rows) == 300 and len({r[0] for r in rows}) == 300
    for asset in (1, 2, 3):
        slots = [(r[4], r[5]) for r in rows if r[2] == asset]
        assert len(slots) == 100
        assert all(a[1] <= b[0] for a, b in pairwise(slots))
        windows = assets._weekly(hours[asset])
        for starts, ends in slots:  # inside one window of the local day, 1-3 whole hours
            local_start, local_end = starts.astimezone(LONDON), ends.astimezone(LONDON)
            opens, closes = windows[local_start.isoweekday()]
            assert local_start.date() == local_end.date()
            assert opens <= local_start.time() and local_end.time() <= closes
            assert 1 <= (ends - starts).total_seconds() / 3600 <= 3
    # and the period runs from 120 days back to 60 ahead: past ones used, coming ones held
    statuses = {r[6] for r in rows if r[5] <= NOW}
    assert statuses <= {"checked_out", "cancelled"}
    assert {r[6] for r in rows if r[4] > NOW} >= {"confirmed", "pending"}


def test_loans_of_one_asset_never_overlap() -> None:
    rows = list(assets._loans(random.Random(4), 1, [7, 9], 20, 50, NOW))
    assert len(rows) == 20
    for asset in (7, 9):
        dates = [(r[5], r[6]) for r in rows if r[2] == asset]
        assert all(a[1] <= b[0] for a, b in pairwise(dates))


def test_tuesday_afternoon_is_local_time_at_least_two_days_ahead() -> None:
    # given a Tuesday morning before the clocks go back, when scenario 7 picks its window
    starts, ends = next_tuesday_afternoon("Europe/London", NOW)

    # then it is next week's Tuesday (two days ahead at least), 14:00-16:00 GMT
    assert starts.isoweekday() == 2 and (starts - NOW).days >= 2
    assert starts.astimezone(UTC) == datetime(2026, 10, 27, 14, tzinfo=UTC)
    assert (ends - starts).total_seconds() == 7200
