"""Paid jobs through the service against real Postgres: posting (an upside-down pay range is
a typed error), search with the opportunity search's rules, applying (twice or after the
closing date: typed errors, nothing written), the employer's decisions told to the applicant,
the CV readable by the employer only while the application is open, and the expiry cron."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.errors import DomainError, DomainErrors
from app.matching.models import Notification, NotificationKind
from app.paidjobs import applications, search, service
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import JobApplication, JobApplicationStatus, PaidJob, PaidJobStatus
from app.people.models import Skill
from app.policy import Viewer
from tests.paidjobs.conftest import job_input, make_employer
from tests.trials.conftest import actor_of, member

LIVERPOOL = (53.4084, -2.9916)


async def test_an_upside_down_pay_range_is_a_typed_error_and_nothing_is_written(
    hub: Any, employer: Any
) -> None:
    # given
    owner, org = employer
    # when
    with pytest.raises(DomainErrors) as caught:
        await service.post_job(
            actor=actor_of(owner), given=job_input(org, pay_min=2000, pay_max=1500)
        )
    # then
    assert [(e.code, e.field) for e in caught.value.errors] == [(E.PAY_RANGE_UPSIDE_DOWN, "payMax")]
    assert await PaidJob.filter(hub_id=hub.id).count() == 0


async def test_search_follows_the_opportunity_rules(hub: Any, post_job: Any) -> None:
    # given: a barista job in Manchester, a remote writer job with a skill, a Liverpool one
    skill = await Skill.create(hub_id=hub.id, slug="writing", name="Writing")
    barista = await post_job()
    writer = await post_job(
        title="Copy writer", description="Words", remote=True, skill_ids=[skill.id]
    )
    docker = await post_job(title="Dock worker", near=LIVERPOOL)
    seeker = await member(hub)

    async def found(near_home: bool = False, **filters: Any) -> list[int]:
        results = search.search(
            hub_id=hub.id,
            filters=search.Filters(**filters),
            actor=actor_of(seeker),
            near_home=near_home,
        )
        return [j.id for j in await results[0:10].fetch()]

    # when / then
    assert set(await found()) == {barista.id, writer.id, docker.id}
    assert set(await found(near_home=True, within_km=10)) == {barista.id, writer.id}
    assert await found(near_home=True, within_km=10, include_remote=False) == [barista.id]
    assert await found(text="writer") == [writer.id]
    assert await found(skill_ids=[skill.id]) == [writer.id]


async def test_applying_twice_or_after_the_closing_date_is_refused(hub: Any, post_job: Any) -> None:
    # given: an open job and one past its closing date (the cron has not run yet)
    job = await post_job()
    late = await post_job(title="Late")
    await PaidJob.filter(id=late.id).update(closes_at=datetime.now(UTC) - timedelta(minutes=1))
    seeker = await member(hub)
    await applications.apply(actor=actor_of(seeker), job_id=job.id, cover_note="Hire me")
    # when / then
    for job_id, code in ((job.id, E.ALREADY_APPLIED), (late.id, E.JOB_CLOSED)):
        with pytest.raises(DomainError) as caught:
            await applications.apply(actor=actor_of(seeker), job_id=job_id, cover_note="Again")
        assert caught.value.code == code
    assert await JobApplication.filter(member_id=seeker.id).count() == 1


async def test_the_employer_reads_the_cv_only_while_the_application_is_open(
    hub: Any, employer: Any, post_job: Any
) -> None:
    # given: an application, the employer, and another business
    owner, _ = employer
    job = await post_job()
    seeker = await member(hub, name="Seeker")
    application = await applications.apply(actor=actor_of(seeker), job_id=job.id)
    other_owner, _ = await make_employer(hub, "Other Shop")
    employer_view, other_view = Viewer.of(actor_of(owner)), Viewer.of(actor_of(other_owner))
    # when / then: open, shortlisted and offered: the employer reads it; another business never
    cv = await applications.cv_of(viewer=employer_view, application=application)
    assert cv is not None and cv.member.id == seeker.id
    assert await applications.cv_of(viewer=other_view, application=application) is None
    for step in (JobApplicationStatus.SHORTLISTED, JobApplicationStatus.OFFERED):
        application = await applications.decide(
            actor=actor_of(owner), application_id=application.id, to=step
        )
        assert await applications.cv_of(viewer=employer_view, application=application)
    # when: declined, the employer's access ends; the applicant keeps theirs
    application = await applications.decide(
        actor=actor_of(owner), application_id=application.id, to=JobApplicationStatus.DECLINED
    )
    assert await applications.cv_of(viewer=employer_view, application=application) is None
    own = await applications.cv_of(viewer=Viewer.of(actor_of(seeker)), application=application)
    assert own is not None
    # and the applicant was told of each step, once
    told = await Notification.filter(member_id=seeker.id, kind=NotificationKind.JOB_APPLICATION)
    assert sorted(n.data["status"] for n in told) == ["declined", "offered", "shortlisted"]


async def test_a_withdrawn_application_ends_the_employers_access(
    hub: Any, employer: Any, post_job: Any
) -> None:
    owner, _ = employer
    job = await post_job()
    seeker = await member(hub)
    application = await applications.apply(actor=actor_of(seeker), job_id=job.id)
    # when
    application = await applications.withdraw(actor=actor_of(seeker), application_id=application.id)
    # then
    viewer = Viewer.of(actor_of(owner))
    assert await applications.cv_of(viewer=viewer, application=application) is None
    with pytest.raises(DomainError) as caught:
        await applications.decide(
            actor=actor_of(owner),
            application_id=application.id,
            to=JobApplicationStatus.SHORTLISTED,
        )
    assert caught.value.code == E.INVALID_TRANSITION


async def test_the_expiry_cron_expires_jobs_at_their_closing_date_once(
    hub: Any, post_job: Any
) -> None:
    # given: two jobs, one past its closing date
    job, lapsed = await post_job(), await post_job(title="Lapsed")
    await PaidJob.filter(id=lapsed.id).update(closes_at=datetime.now(UTC) - timedelta(hours=1))
    # when: the cron runs twice (a retry, or two workers)
    first = await service.expire_lapsed()
    second = await service.expire_lapsed()
    # then
    assert first >= 1 and second == 0
    assert (await PaidJob.get(id=lapsed.id)).status == PaidJobStatus.EXPIRED
    assert (await PaidJob.get(id=job.id)).status == PaidJobStatus.OPEN
