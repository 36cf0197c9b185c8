"""Who may see trials, applications and reports, read ratings, and run the trial mutations.

A trial is public in its hub once recruiting (drafts: its business's people). An application
is seen by its applicant and the business's people. A report by its tester alone: the business
reads reports only through the ratings queries (k-anonymous aggregates, and comments whose
author is named only if they agreed). Ratings are read by the business's people and hub
admins, or by anyone once the business published them.
"""

from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.organisations.policy import HUB_ADMIN, MANAGERS, people_of
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
    value,
)
from app.trials.models import Trial, TrialApplication, TrialReport, TrialStatus

BUSINESS_PEOPLE: Rule = people_of("organisation_id")
BUSINESS_MANAGERS: Rule = people_of("organisation_id", *MANAGERS)
# Ratings of a trial (a Trial row) or of a business (a row with `organisation_id`).
RATINGS_READERS: Rule = BUSINESS_PEOPLE | HUB_ADMIN
PUBLIC = state(
    "public_trial",
    "status",
    {TrialStatus.RECRUITING, TrialStatus.TESTING, TrialStatus.CLOSED},
)
APPLICANT = IsViewer("member_id", "applicant")
TRIAL_BUSINESS = Through("trial", Trial, BUSINESS_PEOPLE)
TRIAL_BUSINESS_MANAGERS = Through("trial", Trial, BUSINESS_MANAGERS)
# The ratings across a business: its people (an Organisation row: its own `id`), hub admins.
ORGANISATION_READERS: Rule = people_of("id") | HUB_ADMIN
TESTER = IsViewer("member_id", "tester")

POLICY = ModulePolicy(
    types=[
        node(
            "Trial",
            model=Trial,
            see=(PUBLIC & not_hidden(Target.TRIAL)) | BUSINESS_PEOPLE | MODERATING,
            public=[
                "id",
                "status",
                "selection",
                "title",
                "product",
                "description",
                "places",
                "placesTaken",
                "dimensions",
                "questions",
                "rewardCredits",
                "rewardNote",
                "withinKm",
                "minAge",
                "maxAge",
                "interests",
                "requiredChecks",
                "closesAt",
                "publishRatings",
                "createdAt",
                "business",
                "rewardOffer",
            ],
        ),
        node(
            "TrialApplication",
            model=TrialApplication,
            see=APPLICANT | TRIAL_BUSINESS | HUB_ADMIN,
            public=["id", "status", "note", "createdAt", "selectedAt", "trial", "applicant"],
        ),
        node(
            "TrialReport",
            model=TrialReport,
            see=TESTER,
            public=[
                "id",
                "ratings",
                "comment",
                "answers",
                "photos",
                "shareIdentity",
                "createdAt",
                "updatedAt",
                "trial",
                "rewardVoucher",
            ],
        ),
        value("TrialRatings", "a ratingsQuery answer: its reader passed the query's rule"),
        value("RatingsGroup", "part of TrialRatings"),
        value("DimensionRatings", "part of TrialRatings"),
        value("RatingsComparison", "two TrialRatings, each read under its own rule"),
        value("MeanDifference", "part of RatingsComparison"),
        value("TrialComment", "trialComments' answer: the tester named only if they agreed"),
        value("BusinessProfile", "anyone's: its trials and offers pass their own rules"),
        value("PublishedTrialRatings", "ratings the business published: anyone in the hub"),
    ],
    queries=[
        query("trials", ANYONE),
        query("trialsForMe", SIGNED_IN),
        query("myTrialApplications", SIGNED_IN),
        query("trialApplications", SIGNED_IN, on("trialId", "Trial", BUSINESS_PEOPLE)),
        # The service answers FORBIDDEN / NOT_CLOSED; published ratings are anyone's.
        query("trialRatings", ANYONE, on("trialId", "Trial", RATINGS_READERS)),
        query(
            "businessRatings", SIGNED_IN, on("organisationId", "Organisation", ORGANISATION_READERS)
        ),
        query("compareTrialRatings", ANYONE, on("firstTrialId", "Trial", RATINGS_READERS)),
        query("comparePeriodRatings", ANYONE, on("trialId", "Trial", RATINGS_READERS)),
        query("trialComments", ANYONE, on("trialId", "Trial", RATINGS_READERS)),
        # Any organisation of the caller's hub: the service answers NOT_FOUND for another's.
        query("businessProfile", ANYONE, on("organisationId", "Organisation", ANYONE)),
    ],
    mutations=[
        mutation("createTrial", SIGNED_IN),
        mutation("moveTrial", SIGNED_IN, on("trialId", "Trial", BUSINESS_MANAGERS)),
        mutation("applyToTrial", SIGNED_IN),
        mutation(
            "selectTester",
            SIGNED_IN,
            on("trialApplicationId", "TrialApplication", TRIAL_BUSINESS_MANAGERS),
        ),
        mutation(
            "declineTrialApplicant",
            SIGNED_IN,
            on("trialApplicationId", "TrialApplication", TRIAL_BUSINESS_MANAGERS),
        ),
        mutation("submitTrialReport", SIGNED_IN),
        mutation("editTrialReport", SIGNED_IN),
        mutation("setTrialRatingsPublished", SIGNED_IN, on("trialId", "Trial", BUSINESS_MANAGERS)),
    ],
)
