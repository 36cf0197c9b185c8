"""What the simulation found in app/, each as a test that fails on the code as it is today.

Found with `python -m tests.simulation.run --seed 103 --steps 400 --kill-every 30` (seed 103,
step 378: members had a "now" notification about Task 15 but never its email; a worker was
killed while it ran the matching job of that opportunity).
"""

from typing import Any

import pytest

from app.jobs.models import OutboxJob
from app.jobs.runner import run_job
from app.matching import service as matching
from app.matching.models import Delivery, Notification

NOTIFY = "event:opportunity.published:app.matching.service.notify_matches"


@pytest.mark.xfail(
    strict=True,
    reason="notify_matches stores the notifications (autocommit, ON CONFLICT DO NOTHING) and "
    "queues their emails in a later statement: a retry after a crash or a lost connection in "
    "between finds the notifications stored, gets no rows back, and never queues the emails",
)
async def test_a_retried_matching_job_still_emails_every_member_it_notified(
    make_person: Any, post: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: two members any remote opportunity suits, and a poster
    poster = await make_person(display_name="Poster")
    members = [await make_person(display_name=f"Member {i}") for i in range(2)]
    opportunity = await post(poster, remote=True, title="Read to children remotely")
    job = await OutboxJob.get(name=NOTIFY, payload__contains={"opportunity_id": opportunity.id})

    # when: the first attempt loses its database connection right after storing the
    # notifications (as when its worker is killed there): a transient failure, retried
    async def connection_lost(*args: Any, **kwargs: Any) -> list[int]:
        raise ConnectionResetError("connection lost")

    monkeypatch.setattr(matching, "enqueue_many", connection_lost)
    assert await run_job(job.id) == "retry"
    monkeypatch.undo()
    told = await Notification.filter(
        opportunity_id=opportunity.id, delivery=Delivery.NOW
    ).values_list("id", "member_id")
    assert sorted(m for _, m in told) == sorted(p.member.id for p in members)
    # ... and the retry runs to the end
    assert await run_job(job.id) == "done"

    # then: every member told "now" has an email queued, exactly one each
    emails = await OutboxJob.filter(
        name="send_email", key__in=[f"notify:{n}" for n, _ in told]
    ).count()
    assert emails == len(told)
