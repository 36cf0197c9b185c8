"""City data gains civic demand (problem reports by category and area, time to fix, ideas and
supports) and the environmental layer, through the same small-group suppression."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import h3

from app.actor import Actor
from app.citydata import aggregates, refresh
from app.citydata.grid import AreaBy, PeriodBy, monday
from app.citydata.metrics import Metric as M
from app.civic.ideas import service as ideas
from app.civic.problems import reports, status
from app.civic.problems.models import ProblemReport, ProblemStatus
from app.civic.sensors import devices, ingest, rollup
from app.hubs.models import Hub
from app.people.models import Role
from app.policy import Viewer
from tests.civic.conftest import NEAR, actor_of

OTHER = (53.43, -2.35)  # another resolution-7 cell in the area


async def test_reports_ideas_and_readings_are_city_data_with_small_groups_withheld(
    hub: Any, area: None, admin: Any, council: Any, make_person: Any, fly_tipping: Any
) -> None:
    # given: k = 5; five reporters near the centre (two reports fixed after 2 and 4 hours),
    # one elsewhere; five owners' sensors near the centre, one elsewhere; an idea supported
    await Hub.filter(id=hub.id).update(privacy_k=5)
    people = [await make_person() for _ in range(6)]
    now = datetime.now(UTC)
    for i, person in enumerate(people[:5]):
        report = await reports.report_problem(
            actor=actor_of(person), category_id=fly_tipping.id, location=NEAR, description="Bags"
        )
        if i < 2:
            await status.update_status(
                actor=actor_of(council, Role.COUNCIL), report_id=report.id,
                status=ProblemStatus.FIXED,
            )  # fmt: skip
            await ProblemReport.filter(id=report.id).update(
                created_at=now - timedelta(hours=2 * (i + 1)), fixed_at=now
            )
    await reports.report_problem(
        actor=actor_of(people[5]), category_id=fly_tipping.id, location=OTHER, description="Bags"
    )
    idea = await ideas.post_idea(actor=actor_of(people[0]), title="Bins", body="More bins",
                                 location=NEAR)  # fmt: skip
    for person in people[1:]:
        await ideas.support(actor=actor_of(person), idea_id=idea.id)
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=10)
    for i, person in enumerate(people):
        _, key = await devices.register_device(
            actor=actor_of(person), name="Kit", location=NEAR if i < 5 else OTHER
        )
        readings = [{"time": (start + timedelta(minutes=m)).isoformat(), "pm25": 10.0 + i}
                    for m in range(3)]  # fmt: skip
        await ingest.ingest(key=key, readings=readings)
    await rollup.rollup(lag=timedelta(0))
    # when
    await refresh.refresh()
    analyst = Viewer.of(Actor(member=admin.member, roles=frozenset({Role.ANALYST})))
    week = monday(date.today())
    found = await aggregates.answer(
        viewer=analyst, metrics=[M.PROBLEMS_REPORTED, M.PROBLEMS_FIXED, M.IDEAS_POSTED,
                                 M.IDEA_SUPPORTS, M.ENVIRONMENT],
        area_by=AreaBy.CELL, resolution=7, areas=None, period=PeriodBy.WEEK, since=week,
        until=week, by_dimension=True,
    )  # fmt: skip
    rows = {(r.metric, r.area, r.dimension): r for r in found.rows}
    # then
    near, other = h3.latlng_to_cell(*NEAR, 7), h3.latlng_to_cell(*OTHER, 7)
    reported = rows[(M.PROBLEMS_REPORTED, near, "fly-tipping")]
    assert (reported.count, reported.withheld_cells) == (5, 0)
    assert rows[(M.PROBLEMS_REPORTED, other, "fly-tipping")].suppressed
    fixed = rows[(M.PROBLEMS_FIXED, near, "fly-tipping")]
    assert fixed.suppressed  # two reporters only: fewer than k
    supports = rows[(M.IDEA_SUPPORTS, near, "all")]  # no dimension
    assert supports.count == 5
    assert rows[(M.IDEAS_POSTED, near, "unanswered")].suppressed  # one author
    pm25 = rows[(M.ENVIRONMENT, near, "pm25")]
    assert (pm25.count, pm25.amount) == (15, 10 * 3 * (10 + 11 + 12 + 13 + 14))
    assert rows[(M.ENVIRONMENT, other, "pm25")].suppressed
    # the time to fix, once enough reporters' reports are fixed (k lowered for the check)
    await Hub.filter(id=hub.id).update(privacy_k=2)
    again = await aggregates.answer(
        viewer=analyst, metrics=[M.PROBLEMS_FIXED], area_by=AreaBy.CELL, resolution=7,
        areas=None, period=PeriodBy.WEEK, since=week, until=week, by_dimension=True,
    )  # fmt: skip
    [fixed] = [r for r in again.rows if r.area == near]
    assert (fixed.count, fixed.amount) == (2, 120 + 240)
