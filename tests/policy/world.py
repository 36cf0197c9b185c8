"""A hub with one of everything and a caller of every kind, for the authorization matrix.

The world says, for each row, which callers hold which relation to it ("the poster", "the
applicant", "staff of its organisation"...), by construction: it knows because it built them.
The matrix test reads the policy table's rules through these relation names and compares what
the API serves with what they say, so the API's own predicates are tested, not echoed.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.actor import Actor
from app.assets import feeds, wanted
from app.assets import service as assets
from app.assets.impact_models import ImpactFactor
from app.assets.models import AssetCategory
from app.assets.sharing_models import Booking, GiveawayRequest, Loan, OffSiteShare
from app.audit.models import AuditEvent
from app.campaigns import funding, pledges, settlement
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, CampaignKind, GroupBuyOrder, InKindKind
from app.credits import ledger, offers
from app.credits import service as credits
from app.credits.models import Entry, PaymentRequest, PaymentShare, SystemAccount, TransferKind
from app.gdpr.models import DataExport
from app.integrations.models import WebhookDelivery, WebhookEndpoint
from app.matching.models import Notification, NotificationKind, SavedSearch
from app.moderation import reports as moderation_reports
from app.moderation.models import ActionKind, ModerationAction, Reason, Target
from app.oauth.models import ApiClient, OAuthGrant
from app.opportunities import applications
from app.opportunities import service as opportunities
from app.opportunities.models import Category
from app.organisations import service as organisations
from app.paidjobs import applications as job_applications
from app.paidjobs import service as paidjobs
from app.paidjobs.models import Contract, PayPeriod
from app.people import service as people
from app.people.models import CheckKind, ProxyLink, Role, Skill, TrustCheck
from app.portfolios.models import HoursRecord, Review
from app.trials import applications as trial_applications
from app.trials import reports as trial_reports
from app.trials import service as trials
from app.trials.models import Selection, TrialStatus
from schema.relay import encode_id
from tests.helpers import Person, create_person

# Every kind of caller. "acting_for_other" is the coordinator acting for the other party (it
# must see and do exactly what the other party may); "other_hub" is a hub admin, moderator and
# coordinator of another hub who names this hub in CH-Hub.
KINDS = (
    "anonymous",
    "owner",
    "other_party",
    "stranger",
    "org_staff",
    "org_owner",
    "coordinator",
    "acting_for_other",
    "moderator",
    "hub_admin",
    "other_hub",
)


@dataclass
class Caller:
    kind: str
    headers: dict[str, str]
    roles: frozenset[Role] = frozenset()
    signed_in: bool = True
    in_hub: bool = True

    @property
    def acts_as(self) -> str:
        """The kind whose relations this caller holds."""
        return "other_party" if self.kind == "acting_for_other" else self.kind


@dataclass
class Sample:
    type_name: str
    row: Any
    # relation name (a leaf rule's name) -> the kinds of callers that hold it to this row
    relations: dict[str, set[str]] = field(default_factory=dict)
    # foreign key name -> the related row's sample (for rules that look through a relation)
    related: dict[str, "Sample"] = field(default_factory=dict)

    @property
    def gid(self) -> str:
        return str(encode_id(self.type_name, self.row.id))


@dataclass
class World:
    hub: Any
    callers: dict[str, Caller]
    people: dict[str, Person]
    samples: dict[str, list[Sample]]

    def sample(self, type_name: str) -> Sample:
        return self.samples[type_name][0]


def _actor(person: Person, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


async def build_world(hub: Any, other_hub: Any) -> World:
    p = {
        kind: await create_person(hub=hub, display_name=kind.replace("_", " ").title())
        for kind in ("owner", "other_party", "stranger", "org_staff", "org_owner")
    }
    p["coordinator"] = await create_person(hub=hub, roles=[Role.COORDINATOR])
    p["moderator"] = await create_person(hub=hub, roles=[Role.MODERATOR])
    # The hub admin is also a council officer (Role.COUNCIL: civic reports and ideas).
    p["hub_admin"] = await create_person(hub=hub, roles=[Role.HUB_ADMIN, Role.COUNCIL])
    p["other_hub"] = await create_person(
        hub=other_hub, roles=[Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR, Role.COUNCIL]
    )
    await ProxyLink.create(
        hub_id=hub.id,
        coordinator_id=p["coordinator"].member.id,
        member_id=p["other_party"].member.id,
    )
    callers = _callers(hub, p)
    samples = await _rows(hub, p)
    return World(hub=hub, callers=callers, people=p, samples=samples)


def _callers(hub: Any, p: dict[str, Person]) -> dict[str, Caller]:
    def signed(kind: str, person: Person, *roles: Role, **extra: str) -> Caller:
        return Caller(kind, {**person.headers, **extra}, frozenset({Role.MEMBER, *roles}))

    return {
        "anonymous": Caller("anonymous", {"CH-Hub": hub.slug}, signed_in=False),
        "owner": signed("owner", p["owner"]),
        "other_party": signed("other_party", p["other_party"]),
        "stranger": signed("stranger", p["stranger"]),
        "org_staff": signed("org_staff", p["org_staff"]),
        "org_owner": signed("org_owner", p["org_owner"]),
        "coordinator": signed("coordinator", p["coordinator"], Role.COORDINATOR),
        "acting_for_other": signed(
            "acting_for_other",
            p["coordinator"],
            **{"CH-Act-For": str(encode_id("Member", p["other_party"].member.id))},
        ),
        "moderator": signed("moderator", p["moderator"], Role.MODERATOR),
        "hub_admin": signed("hub_admin", p["hub_admin"], Role.HUB_ADMIN, Role.COUNCIL),
        "other_hub": Caller(
            "other_hub",
            {**p["other_hub"].headers, "CH-Hub": hub.slug},
            frozenset(
                {Role.MEMBER, Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR, Role.COUNCIL}
            ),
            in_hub=False,
        ),
    }


async def _rows(hub: Any, p: dict[str, Person]) -> dict[str, list[Sample]]:
    owner, other, org_owner = _actor(p["owner"]), _actor(p["other_party"]), _actor(p["org_owner"])
    org = await organisations.create_organisation(
        actor=org_owner, name="Corner Shop", kind="business", contact_email="shop@example.org"
    )
    # Texts that moderation can mask: not their masks, so that the matrix tells them apart.
    await type(org).filter(id=org.id).update(description="A shop on the corner.")
    await type(p["owner"].member).filter(id=p["owner"].member.id).update(bio="I cook.")
    await organisations.add_member(
        actor=org_owner, organisation_id=org.id, member_id=p["org_staff"].member.id, role="staff"
    )
    org_people = {"org_staff", "org_owner"}
    await people.update_profile(
        actor=owner,
        changes={
            "home": (53.48, -2.24),
            "date_of_birth": date(1980, 5, 17),
            "locale": "en-GB",  # set, so that the matrix sees who may read it
            "availability": [{"weekday": 2, "from": "10:00", "to": "12:00"}],
        },
    )
    check = await TrustCheck.create(
        hub_id=hub.id, member_id=p["owner"].member.id, kind=CheckKind.DBS_BASIC, reference="D-1"
    )
    skill = await Skill.create(hub_id=hub.id, slug="cooking", name="Cooking")
    category = await Category.create(hub_id=hub.id, slug="food", name="Food")
    shift = {
        "kind": "request",
        "title": "Cook for the lunch club",
        "category_id": category.id,
        "location": (53.48, -2.24),
        "address": "1 Market Street",
        "contact_details": "call 0161 000 0000",
        "places": 2,
        "starts_at": datetime.now(UTC) + timedelta(days=2),
    }
    published = await opportunities.create_opportunity(actor=owner, publish=True, fields=shift)
    draft = await opportunities.create_opportunity(
        actor=org_owner, publish=False, fields={**shift, "organisation_id": org.id}
    )
    application = await applications.apply(
        actor=other, opportunity_id=published.id, message="Happy to help on Saturdays."
    )
    await applications.accept(actor=owner, application_id=application.id)
    hours = await HoursRecord.create(
        hub_id=hub.id,
        application_id=application.id,
        opportunity_id=published.id,
        volunteer_id=p["other_party"].member.id,
        worked_on=date.today(),
        minutes=90,
        note="kept the soup warm",
        dispute_reason="why",
        resolution_note="how",
    )
    review = await Review.create(
        hub_id=hub.id,
        application_id=application.id,
        author_id=p["owner"].member.id,
        subject_id=p["other_party"].member.id,
        rating=5,
        comment="Great soup",
    )
    notification = await Notification.create(
        hub_id=hub.id,
        member_id=p["owner"].member.id,
        kind=NotificationKind.OPPORTUNITY_MATCH,
        opportunity_id=published.id,
        title="A match",
    )
    search = await SavedSearch.create(hub_id=hub.id, member_id=p["owner"].member.id, name="Food")
    endpoint = await WebhookEndpoint.create(
        hub_id=hub.id, url="https://example.org/hook", secret="whsec_x", event_types=["*"]
    )
    delivery = await WebhookDelivery.create(
        hub_id=hub.id, endpoint_id=endpoint.id, event_type="opportunity.published", message_id="m1"
    )
    api_client = await ApiClient.create(
        hub_id=hub.id,
        organisation_id=org.id,
        registered_by_id=p["org_owner"].member.id,
        client_id=f"chc_{uuid.uuid4().hex[:12]}",
        name="Rota app",
        scopes=["profile:read"],
        secret_hash="$argon2id$x",
    )
    audit_event = await AuditEvent.create(
        hub_id=hub.id, actor_id=p["owner"].member.id, action="member.update_profile"
    )
    export = await DataExport.create(hub_id=hub.id, member_id=p["owner"].member.id)
    connected = await OAuthGrant.create(
        hub_id=hub.id, client_id=api_client.id, member_id=p["owner"].member.id, scopes=[]
    )
    await _fund(hub.id, p["owner"].member.id, 500)
    offer = await offers.create_offer(
        actor=org_owner,
        organisation_id=org.id,
        fields={
            "title": "Free coffee",
            "cost": 10,
            "stock": 5,
            "valid_from": datetime.now(UTC) - timedelta(days=1),
            "valid_until": datetime.now(UTC) + timedelta(days=30),
        },
    )
    voucher = await offers.redeem(actor=owner, offer_id=offer.id, idempotency_key=uuid.uuid4().hex)
    transfer = await credits.pay(
        actor=owner,
        payee_id=p["other_party"].member.id,
        amount=25,
        memo="soup lesson",
        idempotency_key=uuid.uuid4().hex,
    )
    entry = await Entry.get(hub_id=hub.id, transfer_id=transfer.id, amount__lt=0)
    request = await PaymentRequest.create(
        hub_id=hub.id,
        requester_id=p["other_party"].member.id,
        memo="bread",
        group=uuid.uuid4(),
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )
    await PaymentShare.create(
        hub_id=hub.id, request_id=request.id, payer_id=p["owner"].member.id, amount=5
    )

    published_sample = Sample(
        "Opportunity",
        published,
        {"poster": {"owner"}, "org_people": set(), "accepted": {"other_party"}},
    )
    draft_sample = Sample(
        "Opportunity", draft, {"poster": {"org_owner"}, "org_people": org_people, "accepted": set()}
    )
    application_sample = Sample(
        "Application",
        application,
        {"applicant": {"other_party"}},
        {"opportunity": published_sample},
    )
    offer_sample = Sample("VoucherOffer", offer, {"org_people": org_people})
    asset_samples = await _assets(hub, p, org.id, org_people)
    return {
        **asset_samples,
        **await _lending(hub, asset_samples),
        **await _feeds_and_impact(hub, p, asset_samples),
        **await _campaigns(hub, p, org.id, org_people),
        **await _trials_and_jobs(hub, p, org.id, org_people),
        **await _badges(hub, p, org.id, org_people, draft.id),
        **await _moderation(hub, p, review.id),
        **await _federation(hub, p),
        **await _civic(hub, p, org.id, org_people),
        "Hub": [Sample("Hub", hub)],
        "Member": [
            Sample("Member", p["owner"].member, {"self": {"owner"}, "public_portfolio": set()})
        ],
        "Skill": [Sample("Skill", skill)],
        "Category": [Sample("Category", category)],
        "TrustCheck": [Sample("TrustCheck", check, {"self": {"owner"}})],
        "Organisation": [
            Sample("Organisation", org, {"org_people": org_people, "org_managers": {"org_owner"}})
        ],
        "Opportunity": [published_sample, draft_sample],
        "Application": [application_sample],
        "HoursRecord": [
            Sample(
                "HoursRecord",
                hours,
                {"volunteer": {"other_party"}, "public_portfolio": set()},
                {"application": application_sample},
            )
        ],
        "Review": [Sample("Review", review, {"author": {"owner"}})],
        "Notification": [
            Sample("Notification", notification, {"recipient": {"owner"}}),
            *asset_samples["Notification"],
        ],
        "SavedSearch": [Sample("SavedSearch", search, {"owner": {"owner"}})],
        "WebhookEndpoint": [Sample("WebhookEndpoint", endpoint)],
        "ApiClient": [Sample("ApiClient", api_client, {"client_org_managers": {"org_owner"}})],
        "ConnectedApp": [Sample("ConnectedApp", connected, {"self": {"owner"}})],
        "WebhookDelivery": [Sample("WebhookDelivery", delivery)],
        "AuditEvent": [Sample("AuditEvent", audit_event)],
        "DataExport": [Sample("DataExport", export, {"self": {"owner"}})],
        "VoucherOffer": [offer_sample],
        "Voucher": [Sample("Voucher", voucher, {"holder": {"owner"}}, {"offer": offer_sample})],
        "Transfer": [Sample("Transfer", transfer, {"account_holder": {"owner", "other_party"}})],
        "StatementEntry": [Sample("StatementEntry", entry, {"account_holder": {"owner"}})],
        "PaymentRequest": [
            Sample("PaymentRequest", request, {"requester": {"other_party"}, "payer": {"owner"}})
        ],
    }


async def _assets(
    hub: Any, p: dict[str, Person], org_id: int, org_people: set[str]
) -> dict[str, list[Sample]]:
    """A member's listed room the other party booked, an organisation's loan they borrow, a
    hub's giveaway they were chosen for, and an organisation's draft; a WANTED notice."""
    owner = _actor(p["owner"])
    org_owner, admin = _actor(p["org_owner"]), _actor(p["hub_admin"], Role.HUB_ADMIN)
    furniture = await AssetCategory.get(hub_id=hub.id, slug="furniture")
    base = {
        "title": "Meeting room",
        "category_id": furniture.id,
        "location": (53.48, -2.24),
        "address": "2 Hall Lane",
        "contact_details": "ring the bell",
    }
    room = await assets.create_asset(actor=owner, publish=True, fields={**base, "kind": "bookable"})
    drill = await assets.create_asset(
        actor=org_owner,
        organisation_id=org_id,
        publish=True,
        fields={**base, "kind": "loan", "title": "Drill"},
    )
    desk = await assets.create_asset(
        actor=admin, for_hub=True, publish=True, fields={**base, "kind": "giveaway"}
    )
    draft = await assets.create_asset(
        actor=org_owner, organisation_id=org_id, fields={**base, "kind": "giveaway"}
    )
    soon = datetime.now(UTC) + timedelta(days=3)
    other_id = p["other_party"].member.id
    await Booking.create(
        hub_id=hub.id,
        asset_id=room.id,
        booker_id=other_id,
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        status="confirmed",
    )
    await Loan.create(
        hub_id=hub.id,
        asset_id=drill.id,
        borrower_id=other_id,
        starts_at=soon,
        due_at=soon + timedelta(days=2),
        status="approved",
    )
    chosen = await GiveawayRequest.create(
        hub_id=hub.id,
        asset_id=desk.id,
        requester_id=other_id,
        status="chosen",
        message="For the community centre's office.",
    )
    notice = await wanted.create_notice(
        actor=owner, title="Wanted: a desk", category_id=furniture.id, location=(53.48, -2.24)
    )
    # The promotions guard holds the owner's advert for review (moderators and hub admins).
    held = await assets.create_asset(
        actor=owner, publish=True, fields={**base, "kind": "giveaway", "title": "Desks £20"}
    )
    shared = await OffSiteShare.create(
        hub_id=hub.id,
        asset_id=drill.id,
        kind="loan",
        recorded_by_id=p["org_owner"].member.id,
        receiver_member_id=other_id,
        occurred_on=date.today(),
    )
    # A notification about an asset its recipient may not see (the organisation's draft).
    told = await Notification.create(
        hub_id=hub.id,
        member_id=p["owner"].member.id,
        kind=NotificationKind.WANTED_MATCH,
        asset_id=draft.id,
        wanted_notice_id=notice.id,
        title="Meeting room",
    )
    nobody: set[str] = set()

    def asset(row: Any, **relations: set[str]) -> Sample:
        names = ("asset_owner", "org_people", "chosen_requester", "borrower", "booker")
        return Sample("Asset", row, {name: relations.get(name, nobody) for name in names})

    desk_sample = asset(desk, chosen_requester={"other_party"})
    drill_sample = asset(drill, org_people=org_people, borrower={"other_party"})
    return {
        "Asset": [
            asset(room, asset_owner={"owner"}, booker={"other_party"}),
            drill_sample,
            desk_sample,
            asset(draft, org_people=org_people),
            asset(held, asset_owner={"owner"}),
        ],
        "GiveawayRequest": [
            Sample(
                "GiveawayRequest",
                chosen,
                {"requester": {"other_party"}, "org_people": nobody},
                {"asset": desk_sample},
            )
        ],
        "OffSiteShare": [
            Sample(
                "OffSiteShare",
                shared,
                {"receiver": {"other_party"}, "org_people": nobody},
                {"asset": drill_sample},
            )
        ],
        "Notification": [Sample("Notification", told, {"recipient": {"owner"}})],
        "AssetCategory": [Sample("AssetCategory", furniture)],
        "WantedNotice": [
            Sample("WantedNotice", notice, {"author": {"owner"}, "org_people": nobody})
        ],
    }


async def _feeds_and_impact(
    hub: Any, p: dict[str, Person], asset_samples: dict[str, list[Sample]]
) -> dict[str, list[Sample]]:
    """The owner's calendar feed and the feed of their room; the hub's furniture factor."""
    owner = _actor(p["owner"])
    room = asset_samples["Asset"][0].row
    mine, _ = await feeds.create_feed(actor=owner)
    rooms, _ = await feeds.create_feed(actor=owner, asset_id=room.id)
    factor = await ImpactFactor.get(hub_id=hub.id, category_id=room.category_id)
    return {
        "CalendarFeed": [
            Sample("CalendarFeed", mine, {"feed_holder": {"owner"}}),
            Sample("CalendarFeed", rooms, {"feed_holder": {"owner"}}),
        ],
        "ImpactFactor": [Sample("ImpactFactor", factor)],
    }


async def _lending(hub: Any, asset_samples: dict[str, list[Sample]]) -> dict[str, list[Sample]]:
    """The other party's confirmed booking of the owner's room and approved loan of the
    organisation's drill (made in _assets)."""
    room, drill = asset_samples["Asset"][0], asset_samples["Asset"][1]
    booking = await Booking.get(hub_id=hub.id, asset_id=room.row.id)
    loan = await Loan.get(hub_id=hub.id, asset_id=drill.row.id)
    nobody: set[str] = set()
    return {
        "Booking": [
            Sample(
                "Booking",
                booking,
                {"booker": {"other_party"}, "org_people": nobody},
                {"asset": room},
            )
        ],
        "Loan": [
            Sample(
                "Loan",
                loan,
                {"borrower": {"other_party"}, "org_people": nobody},
                {"asset": drill},
            )
        ],
    }


async def _campaigns(
    hub: Any, p: dict[str, Person], org_id: int, org_people: set[str]
) -> dict[str, list[Sample]]:
    """The owner's open project (the other party backs it by name and with an hour in kind, the
    stranger anonymously), the organisation's draft, and a group buy it supplied that
    succeeded: the other party's order."""
    owner, org_owner = _actor(p["owner"]), _actor(p["org_owner"])
    other, stranger = _actor(p["other_party"]), _actor(p["stranger"])
    deadline = datetime.now(UTC) + timedelta(days=3)
    project = await campaigns.create_campaign(
        actor=owner,
        given=campaigns.CampaignInput(
            kind=CampaignKind.PROJECT, title="Park bench", deadline=deadline, target=100
        ),
    )
    project = await campaigns.open_campaign(actor=owner, campaign_id=project.id)
    draft = await campaigns.create_campaign(
        actor=org_owner,
        given=campaigns.CampaignInput(
            kind=CampaignKind.PROJECT,
            title="Shop garden",
            deadline=deadline,
            target=100,
            organisation_id=org_id,
        ),
    )
    buy = await campaigns.create_campaign(
        actor=owner,
        given=campaigns.CampaignInput(
            kind=CampaignKind.GROUP_BUY,
            title="Coffee beans",
            deadline=deadline,
            supplier_id=org_id,
            unit_price=5,
            tipping_units=1,
        ),
    )
    await campaigns.open_campaign(actor=owner, campaign_id=buy.id)
    for person in ("other_party", "stranger"):
        await _fund(hub.id, p[person].member.id, 100)
    named = await pledges.pledge(
        actor=other,
        campaign_id=project.id,
        given=pledges.Amount(amount=10),
        idempotency_key=uuid.uuid4().hex,
    )
    hidden = await pledges.pledge(
        actor=stranger,
        campaign_id=project.id,
        given=pledges.Amount(amount=10),
        anonymous=True,
        idempotency_key=uuid.uuid4().hex,
    )
    await pledges.pledge(
        actor=other,
        campaign_id=buy.id,
        given=pledges.Amount(units=1),
        idempotency_key=uuid.uuid4().hex,
    )
    hours = await funding.pledge_in_kind(
        actor=other,
        campaign_id=project.id,
        given=funding.InKindInput(kind=InKindKind.HOURS, minutes=60),
    )
    await Campaign.filter(id=buy.id).update(deadline=datetime.now(UTC) - timedelta(seconds=1))
    await settlement.settle(buy.id)
    order = await GroupBuyOrder.get(campaign_id=buy.id)
    nobody: set[str] = set()
    project_sample = Sample(
        "Campaign", project, {"campaign_owner": {"owner"}, "org_managers": nobody}
    )
    draft_sample = Sample(
        "Campaign", draft, {"campaign_owner": nobody, "org_managers": {"org_owner"}}
    )

    def pledge(row: Any, by: str) -> Sample:
        relations = {"pledger": {by}, "org_managers": nobody}
        return Sample("Pledge", row, relations, {"campaign": project_sample})

    return {
        "Campaign": [project_sample, draft_sample],
        "Pledge": [pledge(named, "other_party"), pledge(hidden, "stranger")],
        "GroupBuyOrder": [
            Sample("GroupBuyOrder", order, {"buyer": {"other_party"}, "org_people": org_people})
        ],
        "InKindPledge": [
            Sample(
                "InKindPledge",
                hours,
                {"backer": {"other_party"}, "org_managers": nobody},
                {"campaign": project_sample},
            )
        ],
    }


async def _trials_and_jobs(
    hub: Any, p: dict[str, Person], org_id: int, org_people: set[str]
) -> dict[str, list[Sample]]:
    """The organisation's recruiting first-come trial (the other party tests it and reported)
    and its draft; its open paid job, to which the other party applied."""
    org_owner, other = _actor(p["org_owner"]), _actor(p["other_party"])
    closes = datetime.now(UTC) + timedelta(days=7)
    given = trials.TrialInput(
        organisation_id=org_id,
        title="Taste our oat milk",
        product="Oat milk",
        places=50,
        dimensions=["Taste"],
        closes_at=closes,
        selection=Selection.FIRST_COME,
    )
    trial = await trials.create_trial(actor=org_owner, given=given)
    trial = await trials.move_trial(actor=org_owner, trial_id=trial.id, to=TrialStatus.RECRUITING)
    draft = await trials.create_trial(actor=org_owner, given=given)
    tester = await trial_applications.apply(actor=other, trial_id=trial.id)
    report = await trial_reports.submit_report(
        actor=other, trial_id=trial.id, given=trial_reports.ReportInput(ratings=[4])
    )
    job = await paidjobs.post_job(
        actor=org_owner,
        given=paidjobs.JobInput(
            organisation_id=org_id,
            title="Barista",
            pay_min=1200,
            pay_max=1500,
            pay_period=PayPeriod.HOUR,
            contract=Contract.PART_TIME,
            closes_at=closes,
            near=(53.48, -2.24),
        ),
    )
    job_application = await job_applications.apply(actor=other, job_id=job.id, cover_note="Hi")
    business = {"org_people": org_people, "org_managers": {"org_owner"}}
    trial_sample = Sample("Trial", trial, dict(business))
    job_sample = Sample("PaidJob", job, dict(business))
    return {
        "Trial": [trial_sample, Sample("Trial", draft, dict(business))],
        "TrialApplication": [
            Sample(
                "TrialApplication", tester, {"applicant": {"other_party"}}, {"trial": trial_sample}
            )
        ],
        "TrialReport": [
            Sample("TrialReport", report, {"tester": {"other_party"}}, {"trial": trial_sample})
        ],
        "PaidJob": [job_sample],
        "JobApplication": [
            Sample(
                "JobApplication",
                job_application,
                {"applicant": {"other_party"}},
                {"job": job_sample},
            )
        ],
    }


async def _badges(
    hub: Any,
    p: dict[str, Person],
    org_id: int,
    org_people: set[str],
    opportunity_id: int,
) -> dict[str, list[Sample]]:
    """A badge (public), the owner's award and the organisation's, an approved and a waiting
    story of the organisation."""
    from app.badges import awards
    from app.badges.models import BadgeClass, HolderKind, StoryStatus, SuccessStory

    admin = _actor(p["hub_admin"], Role.HUB_ADMIN)
    badge = await BadgeClass.get(hub_id=hub.id, slug="host")
    org_badge = await BadgeClass.get(hub_id=hub.id, slug="org-first-giveaway")
    assert org_badge.holder_kind == HolderKind.ORGANISATION
    mine = await awards.award_by_hand(
        actor=admin, badge_class_id=badge.id, member_id=p["owner"].member.id
    )
    theirs = await awards.award_by_hand(
        actor=admin, badge_class_id=org_badge.id, organisation_id=org_id
    )
    story = {"hub_id": hub.id, "organisation_id": org_id, "author_id": p["org_owner"].member.id}
    approved = await SuccessStory.create(
        **story, title="Soup for all", body="b", opportunity_id=opportunity_id,
        status=StoryStatus.APPROVED,
    )  # fmt: skip
    waiting = await SuccessStory.create(
        **story, title="Soup again", body="b", opportunity_id=opportunity_id
    )
    nobody: set[str] = set()
    return {
        "BadgeClass": [Sample("BadgeClass", badge)],
        "BadgeAward": [
            Sample(
                "BadgeAward",
                mine,
                {"holder": {"owner"}, "org_people": nobody, "public_portfolio": nobody},
            ),
            Sample(
                "BadgeAward",
                theirs,
                {"holder": nobody, "org_people": org_people, "public_portfolio": nobody},
            ),
        ],
        "SuccessStory": [
            Sample("SuccessStory", approved, {"org_people": org_people}),
            Sample("SuccessStory", waiting, {"org_people": org_people}),
        ],
    }


async def _fund(hub_id: int, member_id: int, amount: int) -> None:
    await ledger.post(
        source=await ledger.system_account(hub_id, SystemAccount.ISSUANCE),
        destination=await ledger.member_account(hub_id, member_id),
        amount=amount,
        kind=TransferKind.ADJUSTMENT,
        memo="matrix funding",
    )


async def _moderation(hub: Any, p: dict[str, Person], review_id: int) -> dict[str, list[Sample]]:
    """The other party reported the owner's review (an open case); a suspension of the owner
    recorded as a row (the owner stays active, so the world's other checks still sign in)."""
    report = await moderation_reports.report(
        actor=_actor(p["other_party"]), target=Target.REVIEW, object_id=review_id,
        reason=Reason.SPAM, note="matrix",
    )  # fmt: skip
    action = await ModerationAction.create(
        hub_id=hub.id, case_id=report.case_id, kind=ActionKind.SUSPEND,
        member_id=p["owner"].member.id, moderator_id=p["moderator"].member.id, reason="matrix",
    )  # fmt: skip
    case = await report.case
    return {
        "ModerationCase": [Sample("ModerationCase", case)],
        "ModerationReport": [Sample("ModerationReport", report, {"reporter": {"other_party"}})],
        "ModerationAction": [Sample("ModerationAction", action, {"acted_on": {"owner"}})],
    }


async def _federation(hub: Any, p: dict[str, Person]) -> dict[str, list[Sample]]:
    """A partner hub proposed a link to the world's hub: the hub's side, waiting for its admins;
    a member of the partner hub ("partner_member", paid across the link once it is accepted)."""
    import uuid

    from app.federation import links
    from app.federation.models import HubLink
    from app.hubs import service as hubs

    suffix = uuid.uuid4().hex[:8]
    partner = await hubs.create_hub(name=f"Partner {suffix}", slug=f"partner-{suffix}")
    partner_admin = await create_person(hub=partner, roles=[Role.HUB_ADMIN])
    p["partner_member"] = await create_person(hub=partner)
    proposed = await links.propose(
        actor=_actor(partner_admin, Role.HUB_ADMIN), partner_slug=hub.slug
    )
    return {"HubLink": [Sample("HubLink", await HubLink.get(pair=proposed.pair, hub_id=hub.id))]}


async def _civic(
    hub: Any, p: dict[str, Person], org_id: int, org_people: set[str]
) -> dict[str, list[Sample]]:
    """The owner reported two problems: one the organisation takes (a route), one the
    council's; the organisation confirmed its one."""
    from app.civic import settings
    from app.civic.problems import categories, reports, status
    from app.civic.problems.models import ProblemStatus, ProblemUpdate

    admin = _actor(p["hub_admin"], Role.HUB_ADMIN)
    await settings.set_civic_settings(actor=admin, centre=(53.48, -2.24), radius_km=20)
    lights = await categories.create_category(actor=admin, slug="lights", name="Street lights")
    tipping = await categories.create_category(actor=admin, slug="tipping", name="Fly-tipping")
    await categories.add_route(actor=admin, category_id=lights.id, organisation_id=org_id, cells=[])
    owner = _actor(p["owner"])
    theirs = await reports.report_problem(
        actor=owner, category_id=lights.id, location=(53.481, -2.241), description="Dark lamp",
        address="3 Lamp Row",
    )  # fmt: skip
    councils = await reports.report_problem(
        actor=owner, category_id=tipping.id, location=(53.482, -2.242), description="A sofa",
        address="4 Back Lane",
    )  # fmt: skip
    await status.update_status(
        actor=_actor(p["org_staff"]), report_id=theirs.id, status=ProblemStatus.CONFIRMED
    )
    update = await ProblemUpdate.get(report_id=theirs.id)
    from app.civic.ideas import service as ideas
    from app.civic.ideas.models import Side

    idea = await ideas.post_idea(
        actor=owner, title="Benches", body="On the green", location=(53.481, -2.241)
    )
    argument = await ideas.add_argument(
        actor=_actor(p["other_party"]), idea_id=idea.id, side=Side.FOR, text="Yes"
    )
    await ideas.support(actor=_actor(p["other_party"]), idea_id=idea.id)
    from app.civic.sensors import devices

    kit, _ = await devices.register_device(actor=owner, name="Kit", location=(53.481, -2.241))
    org_kit, _ = await devices.register_device(
        actor=_actor(p["org_owner"]), name="Org kit", location=(53.481, -2.241),
        organisation_id=org_id,
    )  # fmt: skip
    return {
        "SensorDevice": [
            Sample("SensorDevice", kit, {"device_owner": {"owner"}, "org_people": set()}),
            Sample(
                "SensorDevice", org_kit, {"device_owner": {"org_owner"}, "org_people": org_people}
            ),
        ],
        "Idea": [Sample("Idea", idea)],
        "IdeaArgument": [Sample("IdeaArgument", argument)],
        "ProblemCategory": [Sample("ProblemCategory", lights)],
        "ProblemReport": [
            Sample("ProblemReport", theirs, {"reporter": {"owner"}, "org_people": org_people}),
            Sample("ProblemReport", councils, {"reporter": {"owner"}, "org_people": set()}),
        ],
        "ProblemUpdate": [Sample("ProblemUpdate", update)],
    }
