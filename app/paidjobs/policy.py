"""Who may see paid jobs and applications, read an applicant's CV, and run the job mutations.

An open job is public in its hub (closed and expired ones too, as history). An application is
seen by its applicant and the employer's people. The applicant's CV (their portfolio) is read
by the employer's people through this application only, and only while it is open (APPLIED,
SHORTLISTED or OFFERED): declined or withdrawn, the employer's access ends.
"""

from app.organisations.policy import HUB_ADMIN, MANAGERS, people_of
from app.paidjobs.models import OPEN_APPLICATION, JobApplication, PaidJob
from app.policy import (
    ANYONE,
    SIGNED_IN,
    IsViewer,
    ModulePolicy,
    Rule,
    Through,
    mutation,
    node,
    on,
    query,
    state,
)

EMPLOYER_PEOPLE: Rule = people_of("organisation_id")
EMPLOYER_MANAGERS: Rule = people_of("organisation_id", *MANAGERS)
APPLICANT = IsViewer("member_id", "applicant")
JOB_EMPLOYER = Through("job", PaidJob, EMPLOYER_PEOPLE)
JOB_EMPLOYER_MANAGERS = Through("job", PaidJob, EMPLOYER_MANAGERS)
OPEN = state("open_application", "status", OPEN_APPLICATION)
CV_READERS: Rule = APPLICANT | (OPEN & JOB_EMPLOYER)

POLICY = ModulePolicy(
    types=[
        node(
            "PaidJob",
            model=PaidJob,
            see=ANYONE,
            public=[
                "id",
                "status",
                "title",
                "description",
                "payMin",
                "payMax",
                "payPeriod",
                "currency",
                "hoursPerWeek",
                "contract",
                "remote",
                "areaCell",
                "closesAt",
                "createdAt",
                "employer",
                "distanceKm",
            ],
        ),
        node(
            "JobApplication",
            model=JobApplication,
            see=APPLICANT | JOB_EMPLOYER | HUB_ADMIN,
            public=["id", "status", "coverNote", "createdAt", "decidedAt", "job", "applicant"],
            # The CV: the applicant, or the employer's people while the application is open.
            fields={"cv": CV_READERS},
        ),
    ],
    queries=[
        query("paidJobs", ANYONE),
        query("myJobApplications", SIGNED_IN),
        query("jobApplications", SIGNED_IN, on("jobId", "PaidJob", EMPLOYER_PEOPLE)),
    ],
    mutations=[
        mutation("postPaidJob", SIGNED_IN),
        mutation("closePaidJob", SIGNED_IN, on("jobId", "PaidJob", EMPLOYER_MANAGERS)),
        mutation("applyToPaidJob", SIGNED_IN),
        mutation(
            "decideJobApplication",
            SIGNED_IN,
            on("jobApplicationId", "JobApplication", JOB_EMPLOYER_MANAGERS),
        ),
        mutation(
            "withdrawJobApplication",
            SIGNED_IN,
            on("jobApplicationId", "JobApplication", APPLICANT),
        ),
    ],
)
