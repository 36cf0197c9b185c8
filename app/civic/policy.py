"""Who may see civic reports, ideas and sensors, and run their mutations."""

from app.civic.ideas.models import Idea, IdeaArgument
from app.civic.problems.models import ProblemCategory, ProblemReport, ProblemUpdate
from app.civic.sensors.models import SensorDevice
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    ANYONE,
    SIGNED_IN,
    HasRole,
    IsViewer,
    ModulePolicy,
    mutation,
    node,
    on,
    query,
    state,
    value,
)

HUB_ADMIN = HasRole(Role.HUB_ADMIN)
COUNCIL = HasRole(Role.COUNCIL)
# The body responsible for a report, the only one that moves it along: the people of the
# organisation it was routed to, or the council for the rest.
RESPONSIBLE = people_of("organisation_id") | (
    COUNCIL & state("council's", "organisation_id", {None})
)
# Who sees a report's exact place and reporter: the responsible body, and the council for every
# report (it is the hub's authority for the streets).
OVERSEES = people_of("organisation_id") | COUNCIL
REPORTER = IsViewer("reporter_id", "reporter")

POLICY = ModulePolicy(
    types=[
        node(
            "ProblemCategory",
            model=ProblemCategory,
            see=ANYONE,
            public=["id", "slug", "name", "group"],
        ),
        node(
            "ProblemReport",
            model=ProblemReport,
            see=ANYONE,
            public=[
                "id",
                "category",
                "description",
                "photoUrls",
                "location",
                "exactLocationShown",
                "status",
                "closeReason",
                "meTooCount",
                "createdAt",
                "statusChangedAt",
                "fixedAt",
                "opportunity",
                "campaign",
                "organisation",
                "updates",
            ],
            # The exact place and who reported it: the reporter and the responsible body.
            fields={
                "exactLocation": REPORTER | OVERSEES,
                "address": REPORTER | OVERSEES,
                "reporter": REPORTER | OVERSEES,
            },
            masks={"address": ""},
        ),
        node(
            "ProblemUpdate",
            model=ProblemUpdate,
            see=ANYONE,
            public=["id", "status", "note", "createdAt"],
        ),
        value("CivicSettings", "the hub's civic area and ideas' rules: public"),
        # Ideas, their arguments and the council's answers are public in the hub.
        node(
            "Idea",
            model=Idea,
            see=ANYONE,
            public=[
                "id",
                "title",
                "body",
                "status",
                "area",
                "supportCount",
                "threshold",
                "windowEndsAt",
                "thresholdReachedAt",
                "answerDueAt",
                "answer",
                "outcome",
                "answeredAt",
                "createdAt",
                "author",
                "arguments",
                "viewerSupports",
            ],
        ),
        node(
            "SensorDevice",
            model=SensorDevice,
            see=IsViewer("owner_id", "device_owner") | people_of("organisation_id"),
            public=["id", "name", "active", "createdAt", "location", "area", "organisation"],
        ),
        value("EnvironmentCell", "averages of a cell of k owners or more: public"),
        node(
            "IdeaArgument",
            model=IdeaArgument,
            see=ANYONE,
            public=["id", "side", "text", "createdAt", "author"],
        ),
    ],
    queries=[
        query("civicSettings", ANYONE),
        query("problemCategories", ANYONE),
        query("problemReports", ANYONE),
        query("similarProblems", SIGNED_IN),
        query("ideas", ANYONE),
        query("mySensorDevices", SIGNED_IN),
        query("environmentLayer", ANYONE),
    ],
    mutations=[
        mutation("setCivicSettings", HUB_ADMIN),
        mutation("createProblemCategory", HUB_ADMIN),
        mutation("addProblemRoute", HUB_ADMIN),
        mutation("reportProblem", SIGNED_IN),
        mutation(
            "updateProblemStatus",
            SIGNED_IN,
            on("problemReportId", "ProblemReport", RESPONSIBLE),
        ),
        mutation("meTooProblem", SIGNED_IN),
        mutation("followProblem", SIGNED_IN),
        mutation(
            "problemToOpportunity",
            SIGNED_IN,
            on("problemReportId", "ProblemReport", RESPONSIBLE),
        ),
        mutation(
            "problemToProject",
            SIGNED_IN,
            on("problemReportId", "ProblemReport", RESPONSIBLE),
        ),
        mutation("postIdea", SIGNED_IN),
        mutation("argueIdea", SIGNED_IN),
        mutation("supportIdea", SIGNED_IN),
        mutation("withdrawIdeaSupport", SIGNED_IN),
        mutation("answerIdea", COUNCIL),
        mutation("registerSensorDevice", SIGNED_IN),
    ],
)
