"""Suspension withdraws a member's open paid-job applications and their trial applications
not yet selected; reinstatement leaves them withdrawn (the employer may have moved on)."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.campaigns import service as campaigns
from app.campaigns.models import CampaignKind, Pledge
from app.credits import ledger
from app.paidjobs import applications as job_applications
from app.paidjobs.models import JobApplication, JobApplicationStatus
from app.people import profile
from app.people.models import Member
from app.trials import applications as trial_applications
from app.trials.models import Selection, TrialApplication, TrialApplicationStatus
from tests.campaigns.conftest import fund, gid
from tests.helpers import create_person
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


PLEDGE = """
mutation($input: PledgeToCampaignInput!) {
  pledgeToCampaign(input: $input) { pledge { id amount } errors { code field } }
}"""


async def test_a_suspended_owners_campaign_takes_no_new_pledge_until_reinstated(
    gql: Any, hub: Any, alice: Any, bob: Any, moderator: Any
) -> None:
    # given: Bob's open project, and Alice backs it with 30 of her 100 credits
    campaign = await campaigns.create_campaign(
        actor=actor_of(bob),
        given=campaigns.CampaignInput(
            kind=CampaignKind.PROJECT,
            title="Benches for the square",
            deadline=datetime.now(UTC) + timedelta(days=3),
            target=500,
        ),
    )
    await campaigns.open_campaign(actor=actor_of(bob), campaign_id=campaign.id)
    await fund(hub.id, alice.member.id, 100)
    carol = await _funded_backer(hub)
    first = await _pledge(gql, alice, campaign.id)
    assert first["errors"] == []
    # when: Bob is suspended
    await gql(SUSPEND, {"input": {"memberId": bob.gid, "reason": "Scam."}}, as_=moderator)
    # then: a new pledge is refused with nothing written
    before = await Pledge.filter(campaign_id=campaign.id).count()
    refused = await _pledge(gql, carol, campaign.id)
    assert refused == {"pledge": None, "errors": [{"code": "PAUSED", "field": "campaignId"}]}
    assert await Pledge.filter(campaign_id=campaign.id).count() == before
    assert (await ledger.member_account(hub.id, carol.member.id)).held == 0
    # when: reinstated, the campaign takes pledges again
    await gql(REINSTATE, {"input": {"memberId": bob.gid, "reason": "Cleared."}}, as_=moderator)
    assert (await _pledge(gql, carol, campaign.id))["errors"] == []


async def _funded_backer(hub: Any) -> Any:
    carol = await create_person(hub=hub, display_name="Carol")
    await fund(hub.id, carol.member.id, 100)
    return carol


async def _pledge(gql: Any, person: Any, campaign_id: int) -> dict[str, Any]:
    given = {
        "campaignId": gid("Campaign", campaign_id),
        "amount": 30,
        "idempotencyKey": uuid.uuid4().hex,
    }
    data = await gql(PLEDGE, {"input": given}, as_=person)
    return data["pledgeToCampaign"]  # type: ignore[no-any-return]
