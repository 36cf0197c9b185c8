"""The scope each field needs from an OAuth token: one table for the whole API.

Every query, mutation and subscription is listed exactly once (schema/scopes.py refuses to
build a schema with a root field missing here, and puts the requirement into each field's
description). A member's own session is not limited by scopes; an OAuth token reaches a field
only when it carries the field's scope. PUBLIC fields need no scope; SESSION fields are for
members' own sessions only (no scope grants them: managing the account, roles, money).

Below the root, a field needs the scope of the type it reaches (TYPE_REQUIREMENTS: an
opportunity's applications need applications:manage, whichever root field led there), and a
few private fields of open types need one of their own (FIELD_REQUIREMENTS). Every object type
is classified (schema/scopes.py refuses to build otherwise); OPEN types add nothing to the
scope of the field that led to them.
"""

from typing import Final

from app.oauth.scopes import Scope

PUBLIC: Final = "public"
SESSION: Final = "session"
OPEN: Final = "open"
Requirement = Scope | str

_BY_SCOPE: dict[Requirement, tuple[str, ...]] = {
    Scope.PROFILE_READ: ("Query.viewer", "Query.portfolio"),
    Scope.CITYDATA_READ: (
        "Query.cityData",
        "Query.cityGaps",
        "Query.cityTrends",
        "Query.cityWards",
        "Query.cityDataDictionary",
        "Query.hubImpact",
    ),
    Scope.OPPORTUNITIES_READ: (
        "Query.organisation",
        "Query.organisations",
        "Query.opportunities",
        "Query.recommendedOpportunities",
        "Query.myOpportunities",
    ),
    Scope.OPPORTUNITIES_WRITE: (
        "Mutation.createOpportunity",
        "Mutation.updateOpportunity",
        "Mutation.publishOpportunity",
        "Mutation.closeOpportunity",
        "Mutation.cancelOpportunity",
        "Mutation.renewOpportunity",
    ),
    Scope.APPLICATIONS_MANAGE: (
        "Query.myApplications",
        "Query.myHours",
        "Query.hoursToVerify",
        "Query.hoursToVerifyCount",
        "Mutation.applyToOpportunity",
        "Mutation.acceptApplication",
        "Mutation.declineApplication",
        "Mutation.waitlistApplication",
        "Mutation.withdrawApplication",
        "Mutation.logHours",
        "Mutation.verifyHours",
        "Mutation.disputeHours",
    ),
    Scope.CREDITS_READ: (
        "Query.myCredits",
        "Query.myStatement",
        "Query.hubCreditTotals",
        "Query.voucherOffers",
        "Query.myVouchers",
        "Query.myPaymentRequests",
        "Query.hubTransfersByCategory",
    ),
    Scope.WEBHOOKS_MANAGE: (
        "Query.webhookEndpoints",
        "Query.webhookEventTypes",
        "Mutation.createWebhookEndpoint",
        "Mutation.rotateWebhookSecret",
        "Mutation.setWebhookEndpointActive",
    ),
    Scope.PROBLEMS_REPORT: ("Mutation.reportProblem", "Mutation.meTooProblem"),
    PUBLIC: (
        "Query.apiVersion",
        "Query.hub",
        "Query.currentHub",
        "Query.skills",
        "Query.categories",
        "Query.assetCategories",
        "Query.impactFactors",
        "Query.badgeClasses",
        "Query.badgeLevels",
        "Query.leaderboard",
        "Query.successStories",
        "Query.civicSettings",
        "Query.problemCategories",
        "Query.problemReports",
        "Query.ideas",
        "Query.environmentLayer",
    ),
}

# Everything else a member does in their own app: not for third parties (yet).
_SESSION_QUERIES = """
node members pendingTrustChecks disputedHours voucherByCode notifications mySavedSearches
unreadNotificationCount assets myAssets wantedNotices myWantedNotices giveawayRequests
myGiveawayRequests offSiteShares heldAssets myCalendarFeeds myBookings assetBookings myLoans
assetLoans disputedLoans campaigns myPledges myInKindPledges myOrders supplierOrders trials
trialsForMe myTrialApplications trialApplications trialRatings businessRatings
compareTrialRatings comparePeriodRatings trialComments businessProfile paidJobs
myJobApplications jobApplications myBadgeAwards myBadgeStanding organisationImpact apiClients
myConnectedApps auditEvents moderationQueue appealsWaiting myModerationActions moderationFlagRules
hubLinks accountLinks partnerOpportunities
similarProblems mySensorDevices
"""
_SESSION_MUTATIONS = """
register verifyEmail resendVerificationEmail login refreshToken logout requestPasswordReset
resetPassword updateHub setNameTranslation uploadCityWards updateProfile createSkill updateSkill
setMySkills
submitTrustCheck reviewTrustCheck grantRole revokeRole createProxyMember linkProxy unlinkProxy
createOrganisation updateOrganisation addOrganisationMember changeOrganisationMemberRole
removeOrganisationMember createCategory updateCategory resolveHoursDispute writeReview
editReview setPortfolioVisibility rotatePortfolioShareLink payMember reverseTransfer
createVoucherOffer updateVoucherOffer redeemVoucher useVoucher requestPayment
approvePaymentRequest declinePaymentRequest cancelPaymentRequest markNotificationsRead
saveSearch deleteSavedSearch createAsset updateAsset publishAsset withdrawAsset
createWantedNotice closeWantedNotice requestGiveaway chooseGiveawayRequest
declineGiveawayRequest withdrawGiveawayRequest confirmGiveawayHandover recordOffSiteShare
confirmOffSiteShare declineOffSiteShare approveAsset rejectAsset createCalendarFeed
rotateCalendarFeed revokeCalendarFeed updateImpactFactor bookAsset confirmBooking
declineBooking cancelBooking checkInBooking checkOutBooking requestLoan approveLoan declineLoan
cancelLoan confirmLoanHandover confirmLoanReturn disputeLoan resolveLoanDispute createCampaign
editCampaign openCampaign cancelCampaign postCampaignUpdate pledgeToCampaign changePledge
withdrawPledge pledgeInKind withdrawInKindPledge attachMatchPot markOrderFulfilled createTrial
moveTrial applyToTrial selectTester declineTrialApplicant submitTrialReport editTrialReport
setTrialRatingsPublished postPaidJob closePaidJob applyToPaidJob decideJobApplication
withdrawJobApplication createBadgeClass createBadgeLevel awardBadge revokeBadge
submitSuccessStory moderateSuccessStory setLeaderboardOptIn createApiClient
rotateApiClientSecret setApiClientSuspended revokeConnectedApp requestDataExport eraseAccount
reportObject hideReportedObject
warnMember suspendMember reinstateMember resolveModerationCase appealModerationAction
decideAppeal setModerationFlagRules
proposeHubLink acceptHubLink declineHubLink setHubLinkPaused setHubLinkCreditLimit payPartnerMember
creditPartnerVolunteer requestAccountLink confirmAccountLink removeAccountLink
applyToPartnerOpportunity enterPartnerHub
connectRemoteHubLink completeRemoteHubLink
setCivicSettings createProblemCategory addProblemRoute updateProblemStatus followProblem
problemToOpportunity problemToProject postIdea argueIdea supportIdea withdrawIdeaSupport answerIdea
registerSensorDevice
"""
_SESSION_SUBSCRIPTIONS = "notificationAdded"


def _table() -> dict[str, Requirement]:
    found: dict[str, Requirement] = {}
    session = [
        *(f"Query.{n}" for n in _SESSION_QUERIES.split()),
        *(f"Mutation.{n}" for n in _SESSION_MUTATIONS.split()),
        *(f"Subscription.{n}" for n in _SESSION_SUBSCRIPTIONS.split()),
    ]
    for requirement, names in [*_BY_SCOPE.items(), (SESSION, tuple(session))]:
        for name in names:
            if name in found:
                raise ValueError(f"{name} has two scope requirements")
            found[name] = requirement
    return found


# "Query.opportunities" -> Scope.OPPORTUNITIES_READ, PUBLIC or SESSION.
REQUIREMENTS: Final = _table()


def describe(requirement: Requirement) -> str:
    """The sentence added to the field's description (introspection, SDL)."""
    if requirement == PUBLIC:
        return "OAuth scope: none needed."
    if requirement == SESSION:
        return "OAuth scope: none grants it; members' own sessions only."
    return f"OAuth scope: `{requirement}`."


# The data of these types needs the scope wherever a field reaches it ("X" covers its
# connection, edge and page types "XConnection", "XEdge", "XPage").
_TYPES_BY_SCOPE: dict[Requirement, str] = {
    Scope.APPLICATIONS_MANAGE: "Application HoursRecord",
    Scope.CREDITS_READ: """
CreditAccount StatementEntry Transfer TransferParty Voucher VoucherCheck PaymentRequest
PaymentShare CrossHubPayment""",
    Scope.WEBHOOKS_MANAGE: "WebhookEndpoint WebhookDelivery",
    Scope.CITYDATA_READ: """
CityDataAnswer CityDataColumn CityDataDictionary CityDataMetricInfo CityDataRow CityGap
CityGapsAnswer CityTrend CityTrendPoint CityTrendsAnswer CityWard""",
    Scope.PROFILE_READ: "HomeLocation Portfolio",
    SESSION: """
Notification NotificationPreferences SavedSearch CalendarFeed ApiClient ApiClientUsage
ApiErrorCount ConnectedApp TrustCheck AuditEvent DataExport ModerationAction ModerationCase
ModerationFlagRules ModerationReport HubLink SensorDevice AccountLink PartnerOpportunity
GuestApplication GuestSession""",
    OPEN: """
ApiVersion Asset AssetCategory AvailabilitySlot BadgeAward BadgeClass BadgeLevel BadgeStanding
Booking BusinessProfile Campaign CampaignProgress CampaignUpdate Category CategoryTotal
DimensionRatings GeoPoint GiveawayRequest GroupBuyOrder HoursBreakdown Hub HubCreditTotals
ImpactFactor ImpactMonth ImpactTotals InKindPledge JobApplication LeaderboardEntry Loan MatchPot
MeanDifference Member MemberRating MoneyTotal OffSiteShare OpeningHours Opportunity Organisation
OrganisationMembership PaidJob Pledge PortfolioBadge ProfileImpact PublishedTrialRatings
RatingSummary RatingsComparison RatingsGroup Review Skill SuccessStory Trial TrialApplication
TrialComment TrialRatings TrialReport VoucherOffer WantedNotice PageInfo LocalizedName
CivicSettings ProblemCategory ProblemReport ProblemUpdate Idea IdeaArgument EnvironmentCell
HubHours""",
}

# Private fields of open types, and fields that reach a type under another scope's words
# (a portfolio's history of hours is part of the profile the member agreed to show).
_FIELDS_BY_SCOPE: dict[Requirement, str] = {
    Scope.PROFILE_READ: """
Member.email Member.emailVerified Member.dateOfBirth Member.roles Portfolio.history""",
}


def _classified(by_requirement: dict[Requirement, str]) -> dict[str, Requirement]:
    found: dict[str, Requirement] = {}
    for requirement, names in by_requirement.items():
        for name in names.split():
            if name in found:
                raise ValueError(f"{name} has two scope requirements")
            found[name] = requirement
    return found


# "Application" -> Scope.APPLICATIONS_MANAGE; "Member.email" -> Scope.PROFILE_READ.
TYPE_REQUIREMENTS: Final = _classified(_TYPES_BY_SCOPE)
FIELD_REQUIREMENTS: Final = _classified(_FIELDS_BY_SCOPE)
# Types named for what they wrap, or that only mutations (guarded at the root) return.
_WRAPPER_SUFFIXES = ("Connection", "Edge", "Page")
_ROOT_ONLY_SUFFIXES = ("Payload", "Error")


def type_requirement(name: str) -> Requirement | None:
    """What reaching the type needs; None: the type is not classified."""
    if name in TYPE_REQUIREMENTS:
        return TYPE_REQUIREMENTS[name]
    for suffix in _WRAPPER_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in TYPE_REQUIREMENTS:
            return TYPE_REQUIREMENTS[name[: -len(suffix)]]
    return OPEN if name.endswith(_ROOT_ONLY_SUFFIXES) else None
