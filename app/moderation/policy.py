"""Who may see moderation cases, reports and actions, and run the moderation mutations."""

from app.moderation.models import ModerationAction, ModerationCase, Report
from app.moderation.visibility import MODERATING
from app.people.models import Role
from app.policy import SIGNED_IN, HasRole, IsViewer, ModulePolicy, mutation, node, on, query, value

HUB_ADMIN = HasRole(Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "ModerationCase",
            model=ModerationCase,
            see=MODERATING,
            public=[
                "id",
                "target",
                "status",
                "severity",
                "reportCount",
                "flags",
                "createdAt",
                "resolvedAt",
                "resolutionNote",
                "objectId",
                "member",
                "reports",
                "actions",
            ],
        ),
        node(
            "ModerationReport",
            model=Report,
            see=IsViewer("reporter_id", "reporter") | MODERATING,
            public=["id", "reason", "note", "createdAt"],
            # Who reported is for moderators only, never for the member reported.
            fields={"reporter": IsViewer("reporter_id", "reporter") | MODERATING},
        ),
        node(
            "ModerationAction",
            model=ModerationAction,
            see=IsViewer("member_id", "acted_on") | MODERATING,
            public=[
                "id",
                "kind",
                "reason",
                "endsAt",
                "createdAt",
                "appealStatus",
                "appealNote",
                "appealedAt",
                "decisionNote",
                "decidedAt",
                "objectId",
                "member",
            ],
        ),
        value("ModerationFlagRules", "hub admins' tuning, served by moderationFlagRules"),
    ],
    queries=[
        query("moderationQueue", MODERATING),
        query("appealsWaiting", HUB_ADMIN),
        query("myModerationActions", SIGNED_IN),
        query("moderationFlagRules", HUB_ADMIN),
    ],
    mutations=[
        mutation("reportObject", SIGNED_IN),
        mutation("hideReportedObject", MODERATING),
        mutation("warnMember", MODERATING),
        mutation("suspendMember", MODERATING),
        mutation("reinstateMember", MODERATING),
        mutation("resolveModerationCase", MODERATING),
        # The member acted on; a hub admin records a suspended member's appeal for them.
        mutation(
            "appealModerationAction",
            SIGNED_IN,
            on("actionId", "ModerationAction", IsViewer("member_id", "acted_on") | HUB_ADMIN),
        ),
        mutation("decideAppeal", HUB_ADMIN),
        mutation("setModerationFlagRules", HUB_ADMIN),
    ],
)
