"""Who may see members, skills and trust checks, and run the people mutations."""

from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.people.models import Member, MemberStatus, Role, Skill, TrustCheck
from app.policy import (
    ANYONE,
    SIGNED_IN,
    AuditedRead,
    HasRole,
    IsViewer,
    ModulePolicy,
    mutation,
    node,
    query,
    state,
    value,
)

THEMSELF = IsViewer("id")
ACTIVE = state("active", "status", {MemberStatus.ACTIVE})
HUB_ADMIN = HasRole(Role.HUB_ADMIN)
MODERATOR = HasRole(Role.MODERATOR)

POLICY = ModulePolicy(
    types=[
        node(
            "Member",
            model=Member,
            see=ANYONE,
            public=[
                "id",
                "displayName",
                "interests",
                "travelKm",
                "isProxy",
                "createdAt",
                "areaCell",
                "skills",
                "rating",
            ],
            fields={
                # A suspended member's or a hidden profile's text: masked for the others.
                "bio": (ACTIVE & not_hidden(Target.MEMBER)) | THEMSELF | MODERATING,
                "email": THEMSELF,
                "emailVerified": THEMSELF,
                "homeLocation": THEMSELF,
                "dateOfBirth": THEMSELF,
                "notificationPreferences": THEMSELF,
                "locale": THEMSELF,
                "availability": SIGNED_IN,
                "impact": SIGNED_IN,  # app/assets/impact_policy.py
                "roles": THEMSELF | HasRole(Role.HUB_ADMIN, Role.MODERATOR),
                "trustChecks": THEMSELF | MODERATOR,
                # Which memberships show is the OrganisationMembership rule.
                "organisations": SIGNED_IN,
            },
            deny_with_error=["organisations"],
            masks={"bio": ""},
            audited={"trustChecks": AuditedRead("id", MODERATOR)},
        ),
        node("Skill", model=Skill, see=ANYONE, public=["id", "slug", "name", "category"]),
        node(
            "TrustCheck",
            model=TrustCheck,
            see=IsViewer("member_id") | MODERATOR,
            public=[
                "id",
                "kind",
                "reference",
                "expiresOn",
                "status",
                "reviewedAt",
                "reviewNote",
                "createdAt",
                "valid",
                "member",
            ],
            audited={
                "reference": AuditedRead("member_id", MODERATOR),
                "reviewNote": AuditedRead("member_id", MODERATOR),
            },
        ),
        value("AvailabilitySlot", "part of Member.availability"),
        value("NotificationPreferences", "part of Member.notificationPreferences"),
        value("HomeLocation", "part of Member.homeLocation"),
        value("MemberRating", "part of Member.rating"),
    ],
    queries=[
        query("skills", ANYONE),
        query("members", HasRole(Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR)),
        query("pendingTrustChecks", MODERATOR),
    ],
    mutations=[
        mutation("updateProfile", SIGNED_IN),
        mutation("createSkill", HUB_ADMIN),
        mutation("updateSkill", HUB_ADMIN),
        mutation("setMySkills", SIGNED_IN),
        mutation("submitTrustCheck", SIGNED_IN),
        mutation("reviewTrustCheck", MODERATOR),
        mutation("grantRole", HUB_ADMIN),
        mutation("revokeRole", HUB_ADMIN),
        mutation("createProxyMember", HasRole(Role.COORDINATOR)),
        mutation("linkProxy", HUB_ADMIN),
        mutation("unlinkProxy", HUB_ADMIN),
    ],
)
