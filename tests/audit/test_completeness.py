"""The audit log is complete: every mutation of the schema is classified here, and each
sensitive one, when it goes through, writes its audit row.

Adding a mutation: one line in SENSITIVE (with the audit action it must write) or in
ORDINARY; a sensitive one also needs a scenario in SCENARIOS that runs it. The test fails for
a mutation in neither list, in both, or named here and gone from the schema.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from app.actor import Actor
from app.audit.models import AuditEvent
from app.credits import ledger
from app.credits.models import SystemAccount, TransferKind
from app.integrations import webhooks
from app.oauth import clients, connected
from app.people import service as people
from app.people.models import CheckKind, MemberRole, Role
from schema import schema
from tests.helpers import GraphQLClient, Person
from tests.people.conftest import actor_of, gid

# Sensitive: who may do what, checks of people, money put right, integrations' access,
# members' data. The value is the audit action a successful run must write.
SENSITIVE: dict[str, str] = {
    "grantRole": "role.grant",
    "revokeRole": "role.revoke",
    "reviewTrustCheck": "check.review",
    "reverseTransfer": "credits.reverse",
    "createWebhookEndpoint": "webhook.create",
    "rotateWebhookSecret": "webhook.rotate",
    "setWebhookEndpointActive": "webhook.deactivate",
    "createApiClient": "api_client.register",
    "rotateApiClientSecret": "api_client.rotate_secret",
    "setApiClientSuspended": "api_client.suspend",
    "revokeConnectedApp": "oauth.revoke_app",
    "createProxyMember": "member.create_proxy",
    "linkProxy": "proxy.link",
    "unlinkProxy": "proxy.unlink",
    "updateHub": "hub.update",
    "requestDataExport": "member.export_data",
    "eraseAccount": "member.erase",
    "suspendMember": "moderation.suspend",
    "reinstateMember": "moderation.reinstate",
    "warnMember": "moderation.warn",
    "setModerationFlagRules": "moderation.flag_rules",
    "hideReportedObject": "moderation.hide",
    "resolveModerationCase": "moderation.resolve",
    "appealModerationAction": "moderation.appeal",
    "decideAppeal": "moderation.appeal_overturn",
    "proposeHubLink": "federation.propose",
    "acceptHubLink": "federation.accept",
    "declineHubLink": "federation.decline",
    "setHubLinkPaused": "federation.pause",
    "setHubLinkCreditLimit": "federation.credit_limit",
    "payPartnerMember": "federation.pay",
    "creditPartnerVolunteer": "federation.credit_hours",
    "requestAccountLink": "account_link.request",
    "confirmAccountLink": "account_link.link",
    "removeAccountLink": "account_link.unlink",
    "applyToPartnerOpportunity": "federation.guest_apply",
    "enterPartnerHub": "federation.guest_enter",
    "connectRemoteHubLink": "federation.connect",
    "completeRemoteHubLink": "federation.accept",
    "setCivicSettings": "civic.settings",
    "addProblemRoute": "civic.problem_route",
    "updateProblemStatus": "civic.problem_status",
    "answerIdea": "civic.answer_idea",
}

# Everything else: members' and organisers' ordinary actions (many audited all the same).
ORDINARY = frozenset(
    {
        "acceptApplication",
        "addOrganisationMember",
        "applyToOpportunity",
        "applyToPaidJob",
        "applyToTrial",
        "approveAsset",
        "approveLoan",
        "approvePaymentRequest",
        "attachMatchPot",
        "awardBadge",
        "bookAsset",
        "cancelBooking",
        "cancelCampaign",
        "cancelLoan",
        "cancelOpportunity",
        "cancelPaymentRequest",
        "changeOrganisationMemberRole",
        "changePledge",
        "checkInBooking",
        "checkOutBooking",
        "chooseGiveawayRequest",
        "closeOpportunity",
        "closePaidJob",
        "closeWantedNotice",
        "confirmBooking",
        "confirmGiveawayHandover",
        "confirmLoanHandover",
        "confirmLoanReturn",
        "confirmOffSiteShare",
        "createAsset",
        "createBadgeClass",
        "createBadgeLevel",
        "createCalendarFeed",
        "createCampaign",
        "createCategory",
        "setNameTranslation",
        "createOpportunity",
        "createOrganisation",
        "createSkill",
        "createTrial",
        "createVoucherOffer",
        "createWantedNotice",
        "decideJobApplication",
        "declineApplication",
        "declineBooking",
        "declineGiveawayRequest",
        "declineLoan",
        "declineOffSiteShare",
        "declinePaymentRequest",
        "declineTrialApplicant",
        "deleteSavedSearch",
        "disputeHours",
        "disputeLoan",
        "editCampaign",
        "editReview",
        "editTrialReport",
        "logHours",
        "login",
        "logout",
        "markNotificationsRead",
        "markOrderFulfilled",
        "moderateSuccessStory",
        "moveTrial",
        "openCampaign",
        "payMember",
        "pledgeInKind",
        "pledgeToCampaign",
        "postCampaignUpdate",
        "postPaidJob",
        "publishAsset",
        "publishOpportunity",
        "recordOffSiteShare",
        "redeemVoucher",
        "refreshToken",
        "register",
        "rejectAsset",
        "removeOrganisationMember",
        "renewOpportunity",
        "requestGiveaway",
        "requestLoan",
        "requestPasswordReset",
        "requestPayment",
        "resendVerificationEmail",
        "resetPassword",
        "resolveHoursDispute",
        "resolveLoanDispute",
        "revokeBadge",
        "revokeCalendarFeed",
        "rotateCalendarFeed",
        "rotatePortfolioShareLink",
        "saveSearch",
        "selectTester",
        "setLeaderboardOptIn",
        "setMySkills",
        "setPortfolioVisibility",
        "setTrialRatingsPublished",
        "submitSuccessStory",
        "submitTrialReport",
        "submitTrustCheck",
        "updateAsset",
        "updateCategory",
        "updateImpactFactor",
        "updateOpportunity",
        "updateOrganisation",
        "updateProfile",
        "updateSkill",
        "updateVoucherOffer",
        "uploadCityWards",
        "useVoucher",
        "verifyEmail",
        "verifyHours",
        "waitlistApplication",
        "withdrawApplication",
        "withdrawAsset",
        "withdrawGiveawayRequest",
        "withdrawInKindPledge",
        "withdrawJobApplication",
        "withdrawPledge",
        "writeReview",
        "reportObject",  # audited all the same (tests/moderation/test_reports.py)
        # Civic voice (audited all the same: civic.problem_category, civic.report_problem).
        "createProblemCategory",
        "reportProblem",
        "meTooProblem",
        "followProblem",
        "problemToOpportunity",
        "problemToProject",  # audited all the same (campaign.create)
        "postIdea",  # audited all the same (civic.post_idea)
        "argueIdea",
        "supportIdea",
        "withdrawIdeaSupport",
        "registerSensorDevice",  # audited all the same (civic.register_sensor)
    }
)


@dataclass
class Cast:
    hub: Any
    admin: Person
    moderator: Person
    coordinator: Person
    alice: Person
    bob: Person


Scenario = Callable[[GraphQLClient, Cast], Awaitable[dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


async def run(
    gql: GraphQLClient, name: str, input_type: str | None, value: Any, as_: Person
) -> Any:
    """Runs mutation `name` (with `input` of `input_type`, if any) and returns its payload."""
    if input_type is None:
        document = f"mutation {{ {name} {{ errors {{ code field message }} }} }}"
        return (await gql(document, as_=as_))[name]
    document = (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        " { errors { code field message } } }"
    )
    return (await gql(document, {"input": value}, as_=as_))[name]


@scenario("grantRole")
async def _grant(gql: GraphQLClient, c: Cast) -> Any:
    value = {"memberId": c.alice.gid, "role": "MODERATOR"}
    return await run(gql, "grantRole", "GrantRoleInput", value, c.admin)


@scenario("revokeRole")
async def _revoke(gql: GraphQLClient, c: Cast) -> Any:
    await MemberRole.create(hub_id=c.hub.id, member_id=c.alice.member.id, role=Role.ANALYST)
    value = {"memberId": c.alice.gid, "role": "ANALYST"}
    return await run(gql, "revokeRole", "RevokeRoleInput", value, c.admin)


@scenario("reviewTrustCheck")
async def _review(gql: GraphQLClient, c: Cast) -> Any:
    check = await people.submit_check(
        actor=await actor_of(c.alice),
        kind=CheckKind.DBS_BASIC,
        reference="DBS-001122",
        expires_on=date.today() + timedelta(days=300),
    )
    value = {"checkId": gid("TrustCheck", check.id), "approve": True}
    return await run(gql, "reviewTrustCheck", "ReviewTrustCheckInput", value, c.moderator)


@scenario("reverseTransfer")
async def _reverse(gql: GraphQLClient, c: Cast) -> Any:
    transfer = await ledger.post(
        source=await ledger.system_account(c.hub.id, SystemAccount.ISSUANCE),
        destination=await ledger.member_account(c.hub.id, c.alice.member.id),
        amount=30,
        kind=TransferKind.ADJUSTMENT,
        memo="test funding",
    )
    value = {
        "transferId": gid("Transfer", transfer.id),
        "reason": "Given by mistake",
        "idempotencyKey": uuid.uuid4().hex,
    }
    return await run(gql, "reverseTransfer", "ReverseTransferInput", value, c.admin)


async def _endpoint(c: Cast) -> str:
    endpoint = await webhooks.create_endpoint(
        actor=await actor_of(c.admin),
        url="http://127.0.0.1:9/hooks",
        event_types=["opportunity.published"],
    )
    return gid("WebhookEndpoint", endpoint.id)


@scenario("createWebhookEndpoint")
async def _create_endpoint(gql: GraphQLClient, c: Cast) -> Any:
    value = {"url": "http://127.0.0.1:9/hooks", "eventTypes": ["opportunity.published"]}
    return await run(gql, "createWebhookEndpoint", "CreateWebhookEndpointInput", value, c.admin)


@scenario("rotateWebhookSecret")
async def _rotate_endpoint(gql: GraphQLClient, c: Cast) -> Any:
    value = {"endpointId": await _endpoint(c)}
    return await run(gql, "rotateWebhookSecret", "RotateWebhookSecretInput", value, c.admin)


@scenario("setWebhookEndpointActive")
async def _switch_endpoint(gql: GraphQLClient, c: Cast) -> Any:
    value = {"endpointId": await _endpoint(c), "active": False}
    return await run(
        gql, "setWebhookEndpointActive", "SetWebhookEndpointActiveInput", value, c.admin
    )


async def _client(c: Cast) -> Any:
    client, _ = await clients.register(
        actor=await actor_of(c.admin),
        name="Food bank rota",
        redirect_uris=["https://app.example.org/callback"],
        scopes=["profile:read"],
    )
    return client


@scenario("createApiClient")
async def _create_client(gql: GraphQLClient, c: Cast) -> Any:
    value = {
        "name": "Food bank rota",
        "redirectUris": ["https://app.example.org/callback"],
        "scopes": ["profile:read"],
    }
    return await run(gql, "createApiClient", "CreateApiClientInput", value, c.admin)


@scenario("rotateApiClientSecret")
async def _rotate_client(gql: GraphQLClient, c: Cast) -> Any:
    value = {"clientId": gid("ApiClient", (await _client(c)).id)}
    return await run(gql, "rotateApiClientSecret", "RotateApiClientSecretInput", value, c.admin)


@scenario("setApiClientSuspended")
async def _suspend_client(gql: GraphQLClient, c: Cast) -> Any:
    value = {"clientId": gid("ApiClient", (await _client(c)).id), "suspended": True}
    return await run(gql, "setApiClientSuspended", "SetApiClientSuspendedInput", value, c.admin)


@scenario("revokeConnectedApp")
async def _revoke_app(gql: GraphQLClient, c: Cast) -> Any:
    grant = await connected.consent(
        member=c.alice.member, client=await _client(c), scopes=["profile:read"]
    )
    value = {"connectedAppId": gid("ConnectedApp", grant.id)}
    return await run(gql, "revokeConnectedApp", "RevokeConnectedAppInput", value, c.alice)


@scenario("createProxyMember")
async def _create_proxy(gql: GraphQLClient, c: Cast) -> Any:
    value = {"displayName": "Mrs Proxy"}
    return await run(gql, "createProxyMember", "CreateProxyMemberInput", value, c.coordinator)


async def _proxy(c: Cast) -> str:
    proxy = await people.create_proxy_member(
        actor=await actor_of(c.coordinator), display_name="Mr Proxy"
    )
    return gid("Member", proxy.id)


@scenario("linkProxy")
async def _link(gql: GraphQLClient, c: Cast) -> Any:
    await MemberRole.create(hub_id=c.hub.id, member_id=c.bob.member.id, role=Role.COORDINATOR)
    value = {"coordinatorId": c.bob.gid, "memberId": await _proxy(c)}
    return await run(gql, "linkProxy", "LinkProxyInput", value, c.admin)


@scenario("unlinkProxy")
async def _unlink(gql: GraphQLClient, c: Cast) -> Any:
    value = {"coordinatorId": c.coordinator.gid, "memberId": await _proxy(c)}
    return await run(gql, "unlinkProxy", "UnlinkProxyInput", value, c.admin)


@scenario("updateHub")
async def _update_hub(gql: GraphQLClient, c: Cast) -> Any:
    # A setting that matters (privacy threshold); a new name alone is not audited.
    return await run(gql, "updateHub", "UpdateHubInput", {"privacyK": 12}, c.admin)


@scenario("setCivicSettings")
async def _civic_settings(gql: GraphQLClient, c: Cast) -> Any:
    value = {"centre": {"lat": 53.48, "lng": -2.24}, "radiusKm": 12}
    return await run(gql, "setCivicSettings", "SetCivicSettingsInput", value, c.admin)


async def _civic_category(c: Cast) -> Any:
    from app.civic.problems import categories

    admin = Actor(member=c.admin.member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    return await categories.create_category(actor=admin, slug="potholes", name="Potholes")


@scenario("addProblemRoute")
async def _problem_route(gql: GraphQLClient, c: Cast) -> Any:
    from app.organisations import service as organisations

    category = await _civic_category(c)
    org = await organisations.create_organisation(
        actor=await actor_of(c.bob),
        name="Roads Ltd",
        kind="business",
        contact_email="r@example.org",
    )
    value = {
        "problemCategoryId": gid("ProblemCategory", category.id),
        "organisationId": gid("Organisation", org.id),
    }
    return await run(gql, "addProblemRoute", "AddProblemRouteInput", value, c.admin)


@scenario("updateProblemStatus")
async def _problem_status(gql: GraphQLClient, c: Cast) -> Any:
    from app.civic import settings
    from app.civic.problems import categories, reports
    from app.organisations import service as organisations

    admin = Actor(member=c.admin.member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    await settings.set_civic_settings(actor=admin, centre=(53.48, -2.24), radius_km=10)
    category = await _civic_category(c)
    org = await organisations.create_organisation(
        actor=await actor_of(c.bob),
        name="Roads Ltd",
        kind="business",
        contact_email="r@example.org",
    )
    await categories.add_route(
        actor=admin, category_id=category.id, organisation_id=org.id, cells=[]
    )
    report = await reports.report_problem(
        actor=await actor_of(c.alice), category_id=category.id, location=(53.48, -2.24),
        description="Pothole",
    )  # fmt: skip
    value = {"problemReportId": gid("ProblemReport", report.id), "status": "CONFIRMED"}
    return await run(gql, "updateProblemStatus", "UpdateProblemStatusInput", value, c.bob)


@scenario("answerIdea")
async def _answer_idea(gql: GraphQLClient, c: Cast) -> Any:
    from app.civic import settings
    from app.civic.ideas import service as ideas
    from tests.helpers import create_person

    admin = Actor(member=c.admin.member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    await settings.set_civic_settings(actor=admin, centre=(53.48, -2.24), radius_km=10)
    idea = await ideas.post_idea(
        actor=await actor_of(c.alice), title="Benches", body="On the green", location=(53.48, -2.24)
    )
    council = await create_person(hub=c.hub, roles=[Role.COUNCIL])
    value = {"ideaId": gid("Idea", idea.id), "answer": "Yes, in May.", "outcome": "ACCEPTED"}
    return await run(gql, "answerIdea", "AnswerIdeaInput", value, council)


@scenario("requestDataExport")
async def _export(gql: GraphQLClient, c: Cast) -> Any:
    return await run(gql, "requestDataExport", None, None, c.alice)


@scenario("eraseAccount")
async def _erase(gql: GraphQLClient, c: Cast) -> Any:
    return await run(gql, "eraseAccount", "EraseAccountInput", {"confirm": "ERASE"}, c.bob)


async def _partner_link(c: Cast, *, accepted: bool) -> tuple[Any, Any, Any]:
    """A partner hub, its admin and this hub's side of a link with it (proposed by the
    partner, so this hub's admin answers it), accepted if asked."""
    from app.federation import links
    from app.federation.models import HubLink
    from app.hubs import service as hubs
    from tests.helpers import create_person

    suffix = uuid.uuid4().hex[:8]
    partner = await hubs.create_hub(name=f"Partner {suffix}", slug=f"partner-{suffix}")
    partner_admin = await create_person(hub=partner, roles=[Role.HUB_ADMIN])
    proposed = await links.propose(
        actor=await actor_of(partner_admin),
        partner_slug=c.hub.slug,
        credit_limit=100,
        partner_credit_limit=100,
    )
    mine = await HubLink.get(pair=proposed.pair, hub_id=c.hub.id)
    if accepted:
        await links.accept(actor=await actor_of(c.admin), link_id=mine.id)
    return partner, partner_admin, mine


@scenario("proposeHubLink")
async def _propose_link(gql: GraphQLClient, c: Cast) -> Any:
    from app.hubs import service as hubs

    suffix = uuid.uuid4().hex[:8]
    partner = await hubs.create_hub(name=f"Partner {suffix}", slug=f"partner-{suffix}")
    value = {"partnerHubSlug": partner.slug, "creditLimit": 50}
    return await run(gql, "proposeHubLink", "ProposeHubLinkInput", value, c.admin)


@scenario("acceptHubLink")
async def _accept_link(gql: GraphQLClient, c: Cast) -> Any:
    _, _, mine = await _partner_link(c, accepted=False)
    value = {"linkId": gid("HubLink", mine.id)}
    return await run(gql, "acceptHubLink", "AcceptHubLinkInput", value, c.admin)


@scenario("declineHubLink")
async def _decline_link(gql: GraphQLClient, c: Cast) -> Any:
    _, _, mine = await _partner_link(c, accepted=False)
    value = {"linkId": gid("HubLink", mine.id)}
    return await run(gql, "declineHubLink", "DeclineHubLinkInput", value, c.admin)


@scenario("setHubLinkPaused")
async def _pause_link(gql: GraphQLClient, c: Cast) -> Any:
    _, _, mine = await _partner_link(c, accepted=True)
    value = {"linkId": gid("HubLink", mine.id), "paused": True}
    return await run(gql, "setHubLinkPaused", "SetHubLinkPausedInput", value, c.admin)


@scenario("setHubLinkCreditLimit")
async def _limit_link(gql: GraphQLClient, c: Cast) -> Any:
    _, _, mine = await _partner_link(c, accepted=True)
    value = {"linkId": gid("HubLink", mine.id), "creditLimit": 7}
    return await run(gql, "setHubLinkCreditLimit", "SetHubLinkCreditLimitInput", value, c.admin)


@scenario("payPartnerMember")
async def _pay_partner(gql: GraphQLClient, c: Cast) -> Any:
    from tests.helpers import create_person

    partner, _, _ = await _partner_link(c, accepted=True)
    payee = await create_person(hub=partner)
    await ledger.post(
        source=await ledger.system_account(c.hub.id, SystemAccount.ISSUANCE),
        destination=await ledger.member_account(c.hub.id, c.alice.member.id),
        amount=30,
        kind=TransferKind.ADJUSTMENT,
        memo="test funding",
    )
    value = {
        "partnerHubSlug": partner.slug,
        "payeeId": payee.gid,
        "amount": 10,
        "idempotencyKey": uuid.uuid4().hex,
    }
    return await run(gql, "payPartnerMember", "PayPartnerMemberInput", value, c.alice)


@scenario("creditPartnerVolunteer")
async def _credit_partner_volunteer(gql: GraphQLClient, c: Cast) -> Any:
    from tests.helpers import create_person

    partner, _, _ = await _partner_link(c, accepted=True)
    volunteer = await create_person(hub=partner)
    value = {
        "partnerHubSlug": partner.slug,
        "volunteerId": volunteer.gid,
        "minutes": 60,
        "idempotencyKey": uuid.uuid4().hex,
    }
    return await run(gql, "creditPartnerVolunteer", "CreditPartnerVolunteerInput", value, c.admin)


async def _partner_opportunity(c: Cast) -> tuple[Any, Any]:
    """A partner hub (linked, active) and a published opportunity of it."""
    from datetime import UTC, datetime, timedelta

    from app.opportunities import service as opportunities
    from app.opportunities.models import Category

    partner, partner_admin, _ = await _partner_link(c, accepted=True)
    category = await Category.get_or_none(hub_id=partner.id, slug="gardening")
    category = category or await Category.create(
        hub_id=partner.id, slug="gardening", name="Gardening"
    )
    opportunity = await opportunities.create_opportunity(
        actor=await actor_of(partner_admin),
        fields={
            "kind": "request",
            "title": "Help in the garden",
            "category_id": category.id,
            "location": (53.4794, -2.2453),
            "starts_at": datetime.now(UTC) + timedelta(days=3),
            "places": 2,
        },
        publish=True,
    )
    return partner, opportunity


@scenario("applyToPartnerOpportunity")
async def _apply_to_partner(gql: GraphQLClient, c: Cast) -> Any:
    _, opportunity = await _partner_opportunity(c)
    value = {"opportunityId": gid("Opportunity", opportunity.id)}
    return await run(
        gql, "applyToPartnerOpportunity", "ApplyToPartnerOpportunityInput", value, c.alice
    )


@scenario("enterPartnerHub")
async def _enter_partner_hub(gql: GraphQLClient, c: Cast) -> Any:
    from app.federation import guests

    partner, opportunity = await _partner_opportunity(c)
    await guests.apply(actor=await actor_of(c.alice), opportunity_id=opportunity.id)
    value = {"partnerHubSlug": partner.slug}
    return await run(gql, "enterPartnerHub", "EnterPartnerHubInput", value, c.alice)


async def _other_account(c: Cast) -> Any:
    """Alice's own account in another hub (a verified email there)."""
    from app.hubs import service as hubs
    from tests.helpers import create_person

    suffix = uuid.uuid4().hex[:8]
    other = await hubs.create_hub(name=f"Elsewhere {suffix}", slug=f"elsewhere-{suffix}")
    return other, await create_person(hub=other, email=f"alice-{suffix}@example.org")


@scenario("requestAccountLink")
async def _request_account_link(gql: GraphQLClient, c: Cast) -> Any:
    other, there = await _other_account(c)
    value = {"hubSlug": other.slug, "email": there.email}
    return await run(gql, "requestAccountLink", "RequestAccountLinkInput", value, c.alice)


async def _asked_of_alice(c: Cast) -> Any:
    from app.federation import accounts

    _, there = await _other_account(c)
    return await accounts.request_link(
        actor=await actor_of(there), hub_slug=c.hub.slug, email=c.alice.email
    )


@scenario("confirmAccountLink")
async def _confirm_account_link(gql: GraphQLClient, c: Cast) -> Any:
    link = await _asked_of_alice(c)
    value = {"linkId": gid("AccountLink", link.id)}
    return await run(gql, "confirmAccountLink", "ConfirmAccountLinkInput", value, c.alice)


@scenario("removeAccountLink")
async def _remove_account_link(gql: GraphQLClient, c: Cast) -> Any:
    link = await _asked_of_alice(c)
    value = {"linkId": gid("AccountLink", link.id)}
    return await run(gql, "removeAccountLink", "RemoveAccountLinkInput", value, c.alice)


@scenario("connectRemoteHubLink")
async def _connect_remote_link(gql: GraphQLClient, c: Cast) -> Any:
    value = {"partnerHubSlug": f"far-{uuid.uuid4().hex[:8]}", "partnerName": "Far Hub",
             "partnerUrl": "http://127.0.0.1:9"}  # fmt: skip
    return await run(gql, "connectRemoteHubLink", "ConnectRemoteHubLinkInput", value, c.admin)


@scenario("completeRemoteHubLink")
async def _complete_remote_link(gql: GraphQLClient, c: Cast) -> Any:
    from app.federation import remote, signing

    link, _public = await remote.connect(
        actor=await actor_of(c.admin), partner_slug=f"far-{uuid.uuid4().hex[:8]}",
        partner_name="Far Hub", partner_url="http://127.0.0.1:9",
    )  # fmt: skip
    value = {"linkId": gid("HubLink", link.id), "partnerKey": signing.new_key_pair()[1]}
    return await run(gql, "completeRemoteHubLink", "CompleteRemoteHubLinkInput", value, c.admin)


def test_every_mutation_is_classified_once() -> None:
    # given
    served = set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]
    # then
    unclassified = sorted(served - SENSITIVE.keys() - ORDINARY)
    assert not unclassified, f"classify in SENSITIVE or ORDINARY: {unclassified}"
    assert not sorted(SENSITIVE.keys() & ORDINARY), "in both lists"
    gone = sorted((SENSITIVE.keys() | ORDINARY) - served)
    assert not gone, f"not in the schema any more: {gone}"


def test_every_sensitive_mutation_has_a_scenario() -> None:
    missing = sorted(SENSITIVE.keys() - SCENARIOS.keys())
    assert not missing, f"add a scenario that runs: {missing}"


@pytest.fixture
async def cast(
    hub: Any, admin: Person, moderator: Person, coordinator: Person, alice: Person, bob: Person
) -> Cast:
    return Cast(hub, admin, moderator, coordinator, alice, bob)


@pytest.mark.parametrize("name", sorted(SENSITIVE))
async def test_a_sensitive_mutation_writes_its_audit_row(
    name: str, gql: GraphQLClient, cast: Cast
) -> None:
    # given
    before = await AuditEvent.filter(hub_id=cast.hub.id).order_by("-id").first()
    since = before.id if before else 0
    # when
    payload = await SCENARIOS[name](gql, cast)
    # then: it went through, and wrote its row in this hub
    assert payload["errors"] == [], payload
    written = await AuditEvent.filter(hub_id=cast.hub.id, id__gt=since).values_list(
        "action", flat=True
    )
    assert SENSITIVE[name] in written, (name, written)


async def test_a_mutation_made_for_a_proxy_member_is_audited_as_such(
    gql: GraphQLClient, cast: Cast
) -> None:
    # given: a proxy member the coordinator acts for
    proxy = await _proxy(cast)
    document = """
    mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
    # when
    done = await gql(
        document,
        {"input": {"bio": "Likes gardening"}},
        as_=cast.coordinator,
        headers={"CH-Act-For": proxy},
    )
    refused = await gql(
        document,
        {"input": {"travelKm": 999}},
        as_=cast.coordinator,
        headers={"CH-Act-For": proxy},
    )
    # then: one act_for row for the change that went through, naming both
    assert done["updateProfile"]["errors"] == []
    assert refused["updateProfile"]["errors"] != []
    rows = await AuditEvent.filter(hub_id=cast.hub.id, action="act_for")
    assert [(r.actor_id, r.acted_by_id, r.data) for r in rows] == [
        (int(_db_id(proxy)), cast.coordinator.member.id, {"mutation": "updateProfile"})
    ]


def _db_id(global_id: str) -> str:
    from app.ids import parse

    return parse(global_id)[1]


# --- moderation (app/moderation): who is suspended, warned, hidden, and appeals ---------------

SUSPEND = (
    "mutation($input: SuspendMemberInput!) { suspendMember(input: $input) { errors { code } } }"
)


@scenario("suspendMember")
async def _suspend(gql: GraphQLClient, c: Cast) -> Any:
    value = {"memberId": c.alice.gid, "reason": "Threatening messages"}
    return await run(gql, "suspendMember", "SuspendMemberInput", value, c.moderator)


@scenario("reinstateMember")
async def _reinstate(gql: GraphQLClient, c: Cast) -> Any:
    await gql(SUSPEND, {"input": {"memberId": c.alice.gid, "reason": "Spam"}}, as_=c.moderator)
    value = {"memberId": c.alice.gid, "reason": "Spoke to them"}
    return await run(gql, "reinstateMember", "ReinstateMemberInput", value, c.moderator)


@scenario("warnMember")
async def _warn(gql: GraphQLClient, c: Cast) -> Any:
    value = {"memberId": c.alice.gid, "reason": "Keep it civil"}
    return await run(gql, "warnMember", "WarnMemberInput", value, c.moderator)


@scenario("setModerationFlagRules")
async def _flag_rules(gql: GraphQLClient, c: Cast) -> Any:
    value = {"promotionWords": ["discount"], "severalReporters": 3}
    return await run(gql, "setModerationFlagRules", "SetModerationFlagRulesInput", value, c.admin)


async def _reported_case(gql: GraphQLClient, c: Cast) -> str:
    """A case opened by Bob reporting an opportunity Alice posted."""
    from datetime import UTC, datetime

    from app.moderation.models import ModerationCase
    from app.opportunities import service as opportunities
    from app.opportunities.models import Category

    category = await Category.create(hub_id=c.hub.id, slug=f"c-{uuid.uuid4().hex[:6]}", name="C")
    posted = await opportunities.create_opportunity(
        actor=await actor_of(c.alice),
        publish=True,
        fields={
            "kind": "request",
            "title": "Cheap loans, call now",
            "category_id": category.id,
            "location": (53.48, -2.24),
            "places": 2,
            "starts_at": datetime.now(UTC) + timedelta(days=3),
        },
    )
    report = """mutation($input: ReportObjectInput!) { reportObject(input: $input) {
      errors { code message } } }"""
    value = {"id": gid("Opportunity", posted.id), "reason": "SCAM", "note": "Loan shark"}
    answer = await gql(report, {"input": value}, as_=c.bob)
    assert answer["reportObject"]["errors"] == [], answer
    case = await ModerationCase.filter(hub_id=c.hub.id).order_by("-id").first()
    assert case is not None
    return gid("ModerationCase", case.id)


@scenario("hideReportedObject")
async def _hide(gql: GraphQLClient, c: Cast) -> Any:
    value = {"caseId": await _reported_case(gql, c), "reason": "A scam"}
    return await run(gql, "hideReportedObject", "HideReportedObjectInput", value, c.moderator)


@scenario("resolveModerationCase")
async def _resolve(gql: GraphQLClient, c: Cast) -> Any:
    value = {"caseId": await _reported_case(gql, c), "note": "A real charity's offer"}
    return await run(gql, "resolveModerationCase", "ResolveModerationCaseInput", value, c.moderator)


async def _warning_id(gql: GraphQLClient, c: Cast) -> str:
    from app.moderation.models import ModerationAction

    await _warn(gql, c)
    action = await ModerationAction.filter(hub_id=c.hub.id).order_by("-id").first()
    assert action is not None
    return gid("ModerationAction", action.id)


@scenario("appealModerationAction")
async def _appeal(gql: GraphQLClient, c: Cast) -> Any:
    value = {"actionId": await _warning_id(gql, c), "note": "It was a joke"}
    return await run(gql, "appealModerationAction", "AppealModerationActionInput", value, c.alice)


@scenario("decideAppeal")
async def _decide(gql: GraphQLClient, c: Cast) -> Any:
    action = await _warning_id(gql, c)
    appeal = {"actionId": action, "note": "It was a joke"}
    await run(gql, "appealModerationAction", "AppealModerationActionInput", appeal, c.alice)
    value = {"actionId": action, "overturn": True, "note": "Agreed"}
    return await run(gql, "decideAppeal", "DecideAppealInput", value, c.admin)
