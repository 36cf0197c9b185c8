"""Who may see badges, awards, levels, standings, leaderboards, impact profiles and success
stories, and run the badge mutations.

Badge classes and levels are public in their hub (their Open Badges documents are public on
the web anyway). An award is seen by its holder (a member, or an organisation's people), hub
admins, and anyone in the hub once the member made their portfolio public. Impact profiles are
public (organisations showcase them); a success story shows once approved, before that to the
organisation's people and moderators. Defining, giving and revoking badges is for hub admins.
"""

from app.badges.models import Award, BadgeClass, StoryStatus, SuccessStory
from app.moderation.models import Target
from app.moderation.visibility import not_hidden
from app.organisations.policy import HUB_ADMIN, people_of
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
from app.portfolios.policy import public_portfolio

MODERATORS = HasRole(Role.MODERATOR, Role.HUB_ADMIN)
HOLDER = IsViewer("member_id", "holder") | people_of("organisation_id")
APPROVED = state("approved", "status", {StoryStatus.APPROVED})

POLICY = ModulePolicy(
    types=[
        node(
            "BadgeClass",
            model=BadgeClass,
            see=ANYONE,
            public=[
                "id",
                "slug",
                "name",
                "description",
                "metric",
                "threshold",
                "holderKind",
                "period",
                "points",
                "active",
                "imageUrl",
                "openBadgeUrl",
            ],
        ),
        node(
            "BadgeAward",
            model=Award,
            see=HOLDER | HUB_ADMIN | public_portfolio("member_id"),
            public=[
                "id",
                "awardedAt",
                "revokedAt",
                # Public like the Open Badges revocation list that shows it.
                "revocationReason",
                "badgeClass",
                "member",
                "organisation",
                "assertionUrl",
                "bakedImageUrl",
            ],
        ),
        node(
            "SuccessStory",
            model=SuccessStory,
            see=(APPROVED & not_hidden(Target.STORY)) | people_of("organisation_id") | MODERATORS,
            public=["id", "title", "body", "status", "createdAt", "organisation"],
        ),
        value("BadgeLevel", "a hub's levels, public in the hub"),
        value("BadgeStanding", "the caller's own points and level"),
        value("LeaderboardEntry", "members who opted in to the leaderboards"),
        value("ImpactMonth", "part of an organisation's public impact profile"),
        value("PortfolioBadge", "part of Portfolio (own, or public)"),
    ],
    queries=[
        query("badgeClasses", ANYONE),
        query("badgeLevels", ANYONE),
        query("myBadgeAwards", SIGNED_IN),
        query("myBadgeStanding", SIGNED_IN),
        query("leaderboard", SIGNED_IN),
        query("organisationImpact", ANYONE),
        query("successStories", ANYONE),
    ],
    mutations=[
        mutation("createBadgeClass", HUB_ADMIN),
        mutation("createBadgeLevel", HUB_ADMIN),
        mutation("awardBadge", HUB_ADMIN),
        mutation("revokeBadge", HUB_ADMIN),
        mutation(
            "submitSuccessStory",
            SIGNED_IN,
            on("organisationId", "Organisation", people_of("id")),
        ),
        mutation("moderateSuccessStory", MODERATORS),
        mutation("setLeaderboardOptIn", SIGNED_IN),
    ],
)
