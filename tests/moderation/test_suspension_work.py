"""Suspension withdraws a member's open paid-job applications and their trial applications
not yet selected; reinstatement leaves them withdrawn (the employer may have moved on)."""

from datetime import date
from typing import Any

from app.paidjobs import applications as job_applications
from app.paidjobs.models import JobApplication, JobApplicationStatus
from app.people import profile
from app.people.models import Member
from app.trials import applications as trial_applications
from app.trials.models import Selection, TrialApplication, TrialApplicationStatus
from tests.moderation.conftest import REINSTATE, SUSPEND, actor_of
from tests.paidjobs.conftest import employer, post_job  # noqa: F401
from tests.trials.conftest import MANCHESTER, business, open_trial  # noqa: F401


async def test_suspension_withdraws_open_job_and_trial_applications(
    gql: Any,
    hub: Any,
    bob: Any,
    moderator: Any,
    post_job: Any,  # noqa: F811
    open_trial: Any,  # noqa: F811
) -> None:
    # given: Bob (a home, an adult) applied to a paid job and to a trial that picks its testers
    await profile.update_profile(actor=actor_of(bob), changes={"home": MANCHESTER})
    await Member.filter(id=bob.member.id).update(date_of_birth=date(1988, 3, 2))
    job = await post_job()
    trial = await open_trial(selection=Selection.CHOSEN)
    applied = await job_applications.apply(
        actor=actor_of(bob), job_id=job.id, cover_note="I can start Monday."
    )
    tester = await trial_applications.apply(actor=actor_of(bob), trial_id=trial.id)
    assert tester.status == TrialApplicationStatus.APPLIED
    # when
    data = await gql(
        SUSPEND, {"input": {"memberId": bob.gid, "reason": "Fake job offers."}}, as_=moderator
    )
    # then
    assert data["suspendMember"]["errors"] == []
    assert (await JobApplication.get(id=applied.id)).status == JobApplicationStatus.WITHDRAWN
    assert (await TrialApplication.get(id=tester.id)).status == TrialApplicationStatus.WITHDRAWN
    # and: reinstated, they stay withdrawn
    again = await gql(
        REINSTATE, {"input": {"memberId": bob.gid, "reason": "Mistaken."}}, as_=moderator
    )
    assert again["reinstateMember"]["errors"] == []
    assert (await JobApplication.get(id=applied.id)).status == JobApplicationStatus.WITHDRAWN
    assert (await TrialApplication.get(id=tester.id)).status == TrialApplicationStatus.WITHDRAWN
