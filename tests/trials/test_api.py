"""Trials, ratings and paid jobs through HTTP: the 30-for-10 first-come race as real
concurrent requests, typed errors in payloads, the employer's read of a CV ending when the
application closes, ratings as an app reads them, and statements per request of the new
lists independent of page size."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from app.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
)
from app.paidjobs import applications as job_applications
from app.paidjobs import service as paidjobs
from app.paidjobs.models import JobApplicationStatus
from app.people.models import Member
from app.trials import applications, reports, service
from app.trials.models import Selection, TrialApplication, TrialStatus
from tests.helpers import Person, count_sql
from tests.paidjobs.conftest import job_input
from tests.trials.conftest import actor_of, fund_organisation, member, trial_input

CREATE = """
mutation Create($input: CreateTrialInput!) {
  createTrial(input: $input) { trial { id status dimensions } errors { code field message } }
}"""
MOVE = """
mutation Move($input: MoveTrialInput!) {
  moveTrial(input: $input) { trial { id status } errors { code field } }
}"""
APPLY = """
mutation Apply($input: ApplyToTrialInput!) {
  applyToTrial(input: $input) { application { id status } errors { code field message } }
}"""
REPORT = """
mutation Report($input: TrialReportInput!) {
  submitTrialReport(input: $input) { report { id ratings } errors { code field message } }
}"""
RATINGS = """
query Ratings($id: ID!, $slice: RatingsSlice!) {
  trialRatings(trialId: $id, sliceBy: $slice) {
    k suppressedGroups
    whole { testers suppressed dimensions { name count mean median distribution netScore } }
    groups { key testers suppressed }
  }
}"""
FOR_ME = """
query ForMe($first: Int!) {
  trialsForMe(first: $first) {
    edges { node { id title placesTaken business { name } } }
    pageInfo { hasNextPage }
  }
}"""
COMMENTS = """
query Comments($id: ID!, $first: Int!) {
  trialComments(trialId: $id, first: $first) { edges { node { comment ratings testerName } } }
}"""
JOBS = """
query Jobs($first: Int!) {
  paidJobs(first: $first) {
    edges { node { id title payMin payMax payPeriod areaCell employer { name } } }
  }
}"""
POST_JOB = """
mutation Post($input: PostPaidJobInput!) {
  postPaidJob(input: $input) { job { id } errors { code field message } }
}"""
APPLY_JOB = """
mutation ApplyJob($input: ApplyToPaidJobInput!) {
  applyToPaidJob(input: $input) { application { id status } errors { code field } }
}"""
APPLICATION_CV = """
query Cv($id: ID!) {
  node(id: $id) { ... on JobApplication { status cv { totalMinutes servicesDelivered } } }
}"""
JOB_APPLICATIONS = """
query Applications($job: ID!, $first: Int!) {
  jobApplications(jobId: $job, first: $first) {
    edges { node { status coverNote applicant { displayName } job { title } } }
  }
}"""


async def _business(hub: Any, owner: Person, credits: int = 10_000) -> Organisation:
    org = await Organisation.create(
        hub_id=hub.id, slug=f"shop-{owner.member.id}", name="Corner Shop",
        kind=OrganisationKind.BUSINESS,
    )  # fmt: skip
    await OrganisationMember.create(
        hub_id=hub.id,
        organisation_id=org.id,
        member_id=owner.member.id,
        role=OrganisationRole.OWNER,
    )
    if credits:
        await fund_organisation(hub.id, org.id, credits)
    return org


def _gid(type_name: str, pk: int) -> str:
    from tests.campaigns.conftest import gid

    return gid(type_name, pk)


async def test_thirty_concurrent_requests_for_ten_first_come_places_select_ten(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: a business posts and opens a 10-place first-come trial over the API
    owner = await make_person(display_name="Owner")
    org = await _business(hub, owner)
    made = await gql(
        CREATE,
        {
            "input": {
                "organisationId": _gid("Organisation", org.id),
                "title": "Taste our oat milk",
                "product": "Oat milk",
                "places": 10,
                "selection": "FIRST_COME",
                "rewardCredits": 25,
                "dimensions": ["Taste", "Value"],
                "closesAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            }
        },
        as_=owner,
    )
    assert made["createTrial"]["errors"] == []
    trial = made["createTrial"]["trial"]["id"]
    moved = await gql(MOVE, {"input": {"trialId": trial, "to": "RECRUITING"}}, as_=owner)
    assert moved["moveTrial"]["trial"]["status"] == "RECRUITING"
    people = [await make_person(display_name=f"M{i}") for i in range(30)]
    # when: all 30 apply at once
    answers = await asyncio.gather(
        *(gql(APPLY, {"input": {"trialId": trial}}, as_=p) for p in people)
    )
    # then: 10 selected, 20 told NO_PLACES, nothing else written
    results = [a["applyToTrial"] for a in answers]
    selected = [r for r in results if r["application"] and r["application"]["status"] == "SELECTED"]
    refused = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert len(selected) == 10 and refused == ["NO_PLACES"] * 20
    trial_pk = int((await TrialApplication.filter(hub_id=hub.id).first()).trial_id)  # type: ignore[union-attr]
    assert await TrialApplication.filter(trial_id=trial_pk).count() == 10


async def test_bad_input_comes_back_as_typed_errors(gql: Any, hub: Any, make_person: Any) -> None:
    # given
    owner = await make_person(display_name="Owner")
    org = await _business(hub, owner)
    base = {
        "organisationId": _gid("Organisation", org.id),
        "title": "Try it",
        "product": "Thing",
        "places": 5,
        "closesAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    }
    # when: nine dimensions; a pay range upside down
    nine = await gql(
        CREATE, {"input": {**base, "dimensions": [f"d{i}" for i in range(9)]}}, as_=owner
    )
    upside = await gql(
        POST_JOB,
        {
            "input": {
                "organisationId": _gid("Organisation", org.id),
                "title": "Barista",
                "payMin": 1500,
                "payMax": 1200,
                "payPeriod": "HOUR",
                "contract": "PART_TIME",
                "remote": True,
                "closesAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            }
        },
        as_=owner,
    )
    # then
    assert [(e["code"], e["field"]) for e in nine["createTrial"]["errors"]] == [
        ("INVALID", "dimensions")
    ]
    assert [(e["code"], e["field"]) for e in upside["postPaidJob"]["errors"]] == [
        ("PAY_RANGE_UPSIDE_DOWN", "payMax")
    ]


async def test_the_employer_reads_the_cv_through_the_application_until_it_closes(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: an open job, an application over the API
    owner, seeker, other = [await make_person(display_name=n) for n in ("Boss", "Seeker", "X")]
    org = await _business(hub, owner, credits=0)
    job = await paidjobs.post_job(actor=actor_of(owner.member), given=job_input(org))
    applied = await gql(
        APPLY_JOB, {"input": {"jobId": _gid("PaidJob", job.id), "coverNote": "Hi"}}, as_=seeker
    )
    application = applied["applyToPaidJob"]["application"]["id"]
    again = await gql(APPLY_JOB, {"input": {"jobId": _gid("PaidJob", job.id)}}, as_=seeker)
    assert [e["code"] for e in again["applyToPaidJob"]["errors"]] == ["ALREADY_APPLIED"]
    # when / then: open, the employer reads the CV; a stranger cannot see the application
    read = await gql(APPLICATION_CV, {"id": application}, as_=owner)
    assert read["node"]["cv"] == {"totalMinutes": 0, "servicesDelivered": 0}
    assert (await gql(APPLICATION_CV, {"id": application}, as_=other))["node"] is None
    # when: the employer declines it, the CV is no longer theirs to read
    await job_applications.decide(
        actor=actor_of(owner.member),
        application_id=_pk(application),
        to=JobApplicationStatus.DECLINED,
    )
    closed = await gql(APPLICATION_CV, {"id": application}, as_=owner)
    assert closed["node"]["status"] == "DECLINED" and closed["node"]["cv"] is None
    # and the applicant still reads their own
    own = await gql(APPLICATION_CV, {"id": application}, as_=seeker)
    assert own["node"]["cv"] is not None


def _pk(global_id: str) -> int:
    from app import ids

    return ids.db_id(ids.parse(global_id)[1])


async def _closed_trial(hub: Any, owner: Member, org: Organisation, testers: int) -> Any:
    trial = await service.create_trial(
        actor=actor_of(owner),
        given=trial_input(org, selection=Selection.FIRST_COME, places=50, dimensions=["A", "B"]),
    )
    await service.move_trial(actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.RECRUITING)
    for i in range(testers):
        person = await member(hub)
        await applications.apply(actor=actor_of(person), trial_id=trial.id)
        await reports.submit_report(
            actor=actor_of(person),
            trial_id=trial.id,
            given=reports.ReportInput(ratings=[1 + i % 5, 5 - i % 5], comment=f"c{i}"),
        )
    await service.move_trial(actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.CLOSED)
    return trial


async def test_ratings_over_http_and_statements_per_request_do_not_grow_with_the_page(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: a closed trial with 12 reports (k = 10), 25 recruiting trials, 25 open jobs
    owner = await make_person(display_name="Owner")
    org = await _business(hub, owner, credits=0)
    closed = await _closed_trial(hub, owner.member, org, 12)
    for i in range(25):
        trial = await service.create_trial(
            actor=actor_of(owner.member), given=trial_input(org, title=f"T{i}")
        )
        await service.move_trial(
            actor=actor_of(owner.member), trial_id=trial.id, to=TrialStatus.RECRUITING
        )
        await paidjobs.post_job(actor=actor_of(owner.member), given=job_input(org, title=f"J{i}"))
    seeker = await make_person(display_name="Seeker")
    # when: the business reads the ratings by area
    ratings = (await gql(RATINGS, {"id": _gid("Trial", closed.id), "slice": "AREA"}, as_=owner))[
        "trialRatings"
    ]
    # then
    assert ratings["k"] == 10 and ratings["whole"]["testers"] == 12
    assert [d["count"] for d in ratings["whole"]["dimensions"]] == [12, 12]
    assert ratings["groups"] == [
        {"key": ratings["groups"][0]["key"], "testers": 12, "suppressed": False}
    ]
    # when: each list at two page sizes
    cases = [
        (FOR_ME, {}, seeker, "trialsForMe"),
        (JOBS, {}, seeker, "paidJobs"),
        (COMMENTS, {"id": _gid("Trial", closed.id)}, owner, "trialComments"),
    ]
    for document, variables, person, field in cases:
        counts, sizes = [], []
        for first in (2, 20):
            with count_sql() as counter:
                data = await gql(document, {**variables, "first": first}, as_=person)
            counts.append(len(counter.statements))
            sizes.append(len(data[field]["edges"]))
        # then: the same number of statements for 2 rows and for 20
        assert sizes[0] == 2 and sizes[1] >= 10, (field, sizes)
        assert counts[0] == counts[1], (field, counts)


PUBLISH = """
mutation Publish($input: SetTrialRatingsPublishedInput!) {
  setTrialRatingsPublished(input: $input) { trial { publishRatings } errors { code field } }
}"""
PROFILE = """
query Profile($id: ID!) {
  businessProfile(organisationId: $id) {
    organisation { name }
    trials { title status }
    publishedRatings { trial { title } ratings { whole { testers dimensions { name mean } } } }
  }
}"""


async def test_the_profile_shows_the_ratings_the_business_published(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: a closed trial with 10 reports; a member of the hub who is not of the business
    owner = await make_person(display_name="Owner")
    org = await _business(hub, owner, credits=0)
    closed = await _closed_trial(hub, owner.member, org, 10)
    reader = await make_person(display_name="Reader")
    trial_gid = _gid("Trial", closed.id)
    refused = await gql.raw(RATINGS, {"id": trial_gid, "slice": "NONE"}, as_=reader)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # when: the business publishes them (a stranger may not)
    denied = await gql(PUBLISH, {"input": {"trialId": trial_gid, "published": True}}, as_=reader)
    done = await gql(PUBLISH, {"input": {"trialId": trial_gid, "published": True}}, as_=owner)
    profile = (await gql(PROFILE, {"id": _gid("Organisation", org.id)}, as_=reader))[
        "businessProfile"
    ]
    # then
    assert [e["code"] for e in denied["setTrialRatingsPublished"]["errors"]] == ["FORBIDDEN"]
    assert done["setTrialRatingsPublished"]["trial"] == {"publishRatings": True}
    assert profile["organisation"] == {"name": "Corner Shop"}
    assert profile["trials"] == [{"title": closed.title, "status": "CLOSED"}]
    [published] = profile["publishedRatings"]
    assert published["ratings"]["whole"]["testers"] == 10
    assert [d["name"] for d in published["ratings"]["whole"]["dimensions"]] == ["A", "B"]
    read = await gql(RATINGS, {"id": trial_gid, "slice": "NONE"}, as_=reader)
    assert read["trialRatings"]["whole"]["testers"] == 10
