"""The demo hub "demo" (Demo City): a living hub to try the API and the apps with.

Every demo account signs in at once (email verified) with the password DEMO_PASSWORD (the
README lists them too):

    demo-admin@example.org        hub admin; owns Manchester Community Libraries
    demo-moderator@example.org    moderator
    demo-coordinator@example.org  coordinator (acts for members who are not online)
    amina@example.org   admin of Ancoats Food Bank; a saved search; asks for help moving
    ben@example.org     owns Ancoats Food Bank: posts its shifts, verifies their hours
    chloe@example.org   volunteered at the food bank (verified hours, credits, a review),
                        paid Dev; offers tutoring
    dev@example.org     owns Northern Quarter Coffee (a voucher offer); offers laptop help
    ella@example.org    owns Levenshulme Primary; volunteered (hours waiting for Ben)
    finn@example.org    owns Chorlton Repair Cafe (a bike repair clinic)

What is in it: the default categories, skills, five organisations (a charity, a community
group, a school, a council service and a business), open requests and offers of help near
each other in central Manchester, a voucher offer, a saved search, and some history: accepted
applications, verified hours with the credits they earned, hours waiting to be verified, a
review and a payment.

Loading is idempotent: whatever already exists (matched by hub slug, skill slug, email,
organisation slug, opportunity title, offer title, search name, or the history's own rows) is
left exactly as it is, so a second run changes nothing; a demo hub from an older release gets
what it lacks.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import h3
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.auth.service import create_account
from app.credits import offers
from app.credits import service as credits
from app.credits.models import Transfer, TransferKind, VoucherOffer
from app.hubs import service as hubs
from app.hubs.models import Hub
from app.matching import saved_searches
from app.matching.models import SavedSearch
from app.opportunities import applications, categories
from app.opportunities import service as opportunities
from app.opportunities.models import Application, Category, Opportunity
from app.organisations import service as organisations
from app.organisations.models import Organisation, OrganisationKind, OrganisationRole
from app.people.models import Member, MemberSkill, Role, Skill
from app.portfolios import hours, reviews
from app.portfolios.models import HoursRecord, Review

DEMO_HUB_SLUG = "demo"
DEMO_PASSWORD = "demo password 2026"
ADMIN_EMAIL = "demo-admin@example.org"
H3_RESOLUTION = 8  # ~0.7 km² cells: the coarse home location everyone else sees

SKILLS = [
    ("first-aid", "First aid", "care"),
    ("befriending", "Befriending", "care"),
    ("cooking", "Cooking", "food"),
    ("gardening", "Gardening", "environment"),
    ("bike-repair", "Bike repair", "environment"),
    ("driving", "Driving (car or van)", "transport"),
    ("it-support", "IT support", "digital"),
    ("tutoring", "Tutoring", "education"),
    ("diy", "DIY and repairs", "home"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    roles: tuple[Role, ...] = ()
    bio: str = ""
    # (latitude, longitude) of home: private; only its H3 cell is shown to others.
    home: tuple[float, float] | None = None
    travel_km: int = 5
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    # When they can usually help: weekday (ISO, 1 = Monday) and local times.
    availability: tuple[tuple[int, str, str], ...] = ()


PEOPLE = [
    DemoPerson(
        ADMIN_EMAIL,
        "Demo Admin",
        roles=(Role.HUB_ADMIN,),
        bio="Runs the Demo City hub.",
        home=(53.4794, -2.2453),  # city centre
    ),
    DemoPerson(
        "demo-moderator@example.org",
        "Mo Moderator",
        roles=(Role.MODERATOR,),
        bio="Checks reports and verifies DBS checks.",
        home=(53.4668, -2.2339),  # Chorlton-on-Medlock
    ),
    DemoPerson(
        "demo-coordinator@example.org",
        "Cara Coordinator",
        roles=(Role.COORDINATOR,),
        bio="Time-bank coordinator; books help for members who are not online.",
        home=(53.4530, -2.2230),  # Rusholme
        skills=("befriending", "driving"),
        availability=((1, "09:00", "17:00"), (3, "09:00", "17:00")),
    ),
    DemoPerson(
        "amina@example.org",
        "Amina",
        bio="Nurse; happy to help with first aid at community events.",
        home=(53.4590, -2.2390),  # Moss Side
        travel_km=3,
        skills=("first-aid", "cooking"),
        interests=("health", "food"),
        availability=((6, "10:00", "14:00"),),
    ),
    DemoPerson(
        "ben@example.org",
        "Ben",
        bio="Van driver, weekends free.",
        home=(53.4846, -2.2270),  # Ancoats
        travel_km=15,
        skills=("driving", "diy"),
        interests=("food", "environment"),
        availability=((6, "08:00", "18:00"), (7, "08:00", "12:00")),
    ),
    DemoPerson(
        "chloe@example.org",
        "Chloe",
        bio="Retired teacher; maths and English tutoring.",
        home=(53.4160, -2.2310),  # Didsbury
        skills=("tutoring", "befriending"),
        interests=("education", "older people"),
        availability=((2, "15:00", "18:00"), (4, "15:00", "18:00")),
    ),
    DemoPerson(
        "dev@example.org",
        "Dev",
        bio="Fixes laptops and sets up donated IT equipment.",
        home=(53.4840, -2.2360),  # Northern Quarter
        skills=("it-support", "bike-repair"),
        interests=("digital inclusion", "reuse"),
        availability=((5, "18:00", "21:00"),),
    ),
    DemoPerson(
        "ella@example.org",
        "Ella",
        bio="Allotment holder and school governor.",
        home=(53.4440, -2.1920),  # Levenshulme
        skills=("gardening", "cooking"),
        interests=("environment", "children"),
        availability=((6, "09:00", "12:00"),),
    ),
    DemoPerson(
        "finn@example.org",
        "Finn",
        bio="Runs a repair cafe; bikes, lamps and toasters.",
        home=(53.4410, -2.2770),  # Chorlton
        travel_km=8,
        skills=("bike-repair", "diy"),
        interests=("reuse", "environment"),
        availability=((7, "11:00", "16:00"),),
    ),
]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: OrganisationKind
    owner: str
    description: str = ""
    website: str = ""
    contact_email: str = ""
    area: str = ""
    people: tuple[tuple[str, OrganisationRole], ...] = ()


ORGANISATIONS = [
    DemoOrganisation(
        "ancoats-food-bank",
        "Ancoats Food Bank",
        OrganisationKind.CHARITY,
        owner="ben@example.org",
        description="Emergency food parcels, three days a week, and a community fridge.",
        website="https://food-bank.example.org",
        contact_email="hello@food-bank.example.org",
        area="Ancoats and New Islington",
        people=(
            ("amina@example.org", OrganisationRole.ADMIN),
            ("dev@example.org", OrganisationRole.STAFF),
        ),
    ),
    DemoOrganisation(
        "chorlton-repair-cafe",
        "Chorlton Repair Cafe",
        OrganisationKind.COMMUNITY_GROUP,
        owner="finn@example.org",
        description="Bring what is broken; leave with it fixed and the know-how to do it again.",
        area="Chorlton",
        people=(("dev@example.org", OrganisationRole.STAFF),),
    ),
    DemoOrganisation(
        "levenshulme-primary",
        "Levenshulme Primary School",
        OrganisationKind.SCHOOL,
        owner="ella@example.org",
        description="Looking for reading volunteers and help in the school garden.",
        website="https://levenshulme-primary.example.org",
        contact_email="office@levenshulme-primary.example.org",
        area="Levenshulme",
        people=(("chloe@example.org", OrganisationRole.STAFF),),
    ),
    DemoOrganisation(
        "northern-quarter-coffee",
        "Northern Quarter Coffee",
        OrganisationKind.BUSINESS,
        owner="dev@example.org",
        description="Independent cafe; takes community credits for coffee and cake.",
        area="Northern Quarter",
    ),
    DemoOrganisation(
        "manchester-community-libraries",
        "Manchester Community Libraries",
        OrganisationKind.COUNCIL_SERVICE,
        owner=ADMIN_EMAIL,
        description="Rooms to book, a 3D printer and digital help sessions.",
        website="https://libraries.example.org",
        area="City-wide",
        people=(("demo-coordinator@example.org", OrganisationRole.ADMIN),),
    ),
]


@dataclass(frozen=True)
class DemoListing:
    """An open opportunity. `starts`: (days from the load, local time) of the first shift."""

    title: str
    kind: str  # "offer" or "request"
    poster: str
    category: str
    at: tuple[float, float]
    area: str
    description: str
    organisation: str | None = None
    skills: tuple[str, ...] = ()
    places: int = 2
    starts: tuple[int, str] | None = None
    hours: int = 2
    recurrence: str = ""
    urgency: str = "normal"


FOOD_BANK_SHIFTS = "Weekly food bank shifts"
# Open opportunities of both kinds, most within 2 km of the city centre.
LISTINGS = [
    DemoListing(
        FOOD_BANK_SHIFTS,
        "request",
        "ben@example.org",
        "food-support",
        (53.4846, -2.2270),
        "Ancoats",
        "Sort donations and pack food parcels with the team; come when you can.",
        organisation="ancoats-food-bank",
        skills=("cooking",),
        places=8,
    ),
    DemoListing(
        "Drive the food parcels van",
        "request",
        "ben@example.org",
        "getting-around",
        (53.4852, -2.2291),
        "Ancoats",
        "Saturday deliveries to families who cannot come in. Van provided.",
        organisation="ancoats-food-bank",
        skills=("driving",),
        starts=(5, "10:00"),
        hours=3,
        urgency="urgent",
    ),
    DemoListing(
        "Help carrying a sofa upstairs",
        "request",
        "amina@example.org",
        "home-and-repairs",
        (53.4791, -2.2380),
        "City centre",
        "Second-floor flat, no lift: two strong pairs of hands for half an hour.",
        starts=(2, "18:00"),
        hours=1,
    ),
    DemoListing(
        "Reading volunteers for Year 2",
        "request",
        "ella@example.org",
        "learning",
        (53.4440, -2.1920),
        "Levenshulme",
        "Listen to children read, twice a week after lunch.",
        organisation="levenshulme-primary",
        skills=("tutoring",),
        places=4,
        starts=(7, "13:30"),
        hours=1,
        recurrence="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20",
    ),
    DemoListing(
        "Laptop set-up and small repairs",
        "offer",
        "dev@example.org",
        "digital",
        (53.4840, -2.2360),
        "Northern Quarter",
        "Bring a slow or donated laptop: I will set it up, safely, with you.",
        skills=("it-support",),
        places=3,
    ),
    DemoListing(
        "Maths and English tutoring",
        "offer",
        "chloe@example.org",
        "learning",
        (53.4810, -2.2440),
        "Central Library",
        "One hour a week at the library, for children or adults.",
        skills=("tutoring",),
        places=2,
    ),
    DemoListing(
        "Bike repair clinic",
        "offer",
        "finn@example.org",
        "home-and-repairs",
        (53.4822, -2.2331),
        "Piccadilly",
        "Punctures, brakes and gears fixed while you learn how.",
        organisation="chorlton-repair-cafe",
        skills=("bike-repair",),
        places=6,
        starts=(6, "11:00"),
        hours=4,
        recurrence="FREQ=WEEKLY;COUNT=12",
    ),
]
COFFEE_OFFER = "A coffee and a slice of cake"
SAVED_SEARCH = "Food help near home"
PAYMENT_MEMO = "Thanks for fixing my laptop"


async def load_demo_hub() -> None:
    """Creates the demo hub and what is in it; anything that exists already is left alone."""
    async with in_transaction() as conn:
        # Two loaders at once (two dev stacks on one database) take turns.
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext('communityhub:demo'))")
        hub = await Hub.get_or_none(slug=DEMO_HUB_SLUG) or await hubs.create_hub(
            name="Demo City", slug=DEMO_HUB_SLUG, timezone="Europe/London"
        )
        skills = await _skills(hub)
        members = {p.email: await _person(hub, p, skills) for p in PEOPLE}
        for org in ORGANISATIONS:
            await _organisation(hub, org, members)
        await categories.create_defaults(hub.id)  # a demo hub from before they existed
        posted = {
            listing.title: await _listing(hub, listing, members, skills) for listing in LISTINGS
        }
        await _voucher_offer(hub, members)
        await _saved_search(hub, members)
        await _history(hub, members, posted[FOOD_BANK_SHIFTS])


def _as(member: Member) -> Actor:
    return Actor(member=member, roles=frozenset({Role.MEMBER}))


async def _listing(
    hub: Hub, listing: DemoListing, members: dict[str, Member], skills: dict[str, Skill]
) -> Opportunity:
    found = await Opportunity.get_or_none(hub_id=hub.id, title=listing.title)
    if found is not None:
        return found
    category = await Category.get(hub_id=hub.id, slug=listing.category)
    fields: dict[str, Any] = {
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "category_id": category.id,
        "location": listing.at,
        "area_name": listing.area,
        "skill_ids": [skills[s].id for s in listing.skills],
        "places": listing.places,
        "urgency": listing.urgency,
        "recurrence": listing.recurrence,
        "expires_at": datetime.now(UTC) + timedelta(days=180),
    }
    if listing.organisation is not None:
        org = await Organisation.get(hub_id=hub.id, slug=listing.organisation)
        fields["organisation_id"] = org.id
    if listing.starts is not None:
        days, at = listing.starts
        day = datetime.now(ZoneInfo(hub.timezone)).date() + timedelta(days=days)
        starts = datetime.combine(day, time.fromisoformat(at), ZoneInfo(hub.timezone))
        fields |= {"starts_at": starts, "ends_at": starts + timedelta(hours=listing.hours)}
        if not listing.recurrence:
            fields["expires_at"] = starts
    return await opportunities.create_opportunity(
        actor=_as(members[listing.poster]), fields=fields, publish=True
    )


async def _voucher_offer(hub: Hub, members: dict[str, Member]) -> None:
    cafe = await Organisation.get(hub_id=hub.id, slug="northern-quarter-coffee")
    if await VoucherOffer.exists(hub_id=hub.id, organisation_id=cafe.id, title=COFFEE_OFFER):
        return
    now = datetime.now(UTC)
    await offers.create_offer(
        actor=_as(members["dev@example.org"]),
        organisation_id=cafe.id,
        fields={
            "title": COFFEE_OFFER,
            "description": "Any hot drink and a slice of today's cake, at the counter.",
            "cost": 30,
            "stock": 50,
            "per_member_limit": 2,
            "valid_from": now - timedelta(days=1),
            "valid_until": now + timedelta(days=180),
            "voucher_days": 30,
        },
    )


async def _saved_search(hub: Hub, members: dict[str, Member]) -> None:
    amina = members["amina@example.org"]
    if await SavedSearch.exists(hub_id=hub.id, member_id=amina.id, name=SAVED_SEARCH):
        return
    food = await Category.get(hub_id=hub.id, slug="food-support")
    await saved_searches.save_search(
        actor=_as(amina), name=SAVED_SEARCH, category_ids=[food.id], within_km=5
    )


async def _history(hub: Hub, members: dict[str, Member], shifts: Opportunity) -> None:
    """Chloe and Ella were accepted for the food bank's shifts; Ben verified Chloe's hours
    (she earned credits for them) and reviewed her; Ella's latest hours wait for him; Chloe
    paid Dev for fixing her laptop."""
    ben, chloe = members["ben@example.org"], members["chloe@example.org"]
    ella, dev = members["ella@example.org"], members["dev@example.org"]
    today = datetime.now(ZoneInfo(hub.timezone)).date()
    chloes = await _accepted(hub, shifts, chloe, ben)
    ellas = await _accepted(hub, shifts, ella, ben)
    if not await HoursRecord.exists(hub_id=hub.id, application_id=chloes.id):
        for days_ago, minutes in ((9, 120), (2, 90)):
            record = await hours.log_hours(
                actor=_as(chloe),
                application_id=chloes.id,
                worked_on=today - timedelta(days=days_ago),
                minutes=minutes,
                note="Packed parcels",
            )
            await hours.verify_hours(actor=_as(ben), record_id=record.id)
            # What the worker does on hours.verified, now (it credits once, whoever is first).
            await credits.earn_for_hours(hours_record_id=record.id)
    if not await HoursRecord.exists(hub_id=hub.id, application_id=ellas.id):
        await hours.log_hours(
            actor=_as(ella),
            application_id=ellas.id,
            worked_on=today - timedelta(days=1),
            minutes=60,
            note="Sorted tins",
        )
    if not await Review.exists(hub_id=hub.id, application_id=chloes.id, author_id=ben.id):
        await reviews.write_review(
            actor=_as(ben),
            application_id=chloes.id,
            rating=5,
            comment="Calm and quick; the parcels were ready early.",
        )
    if not await Transfer.exists(hub_id=hub.id, kind=TransferKind.EXCHANGE, memo=PAYMENT_MEMO):
        await credits.pay(
            actor=_as(chloe),
            payee_id=dev.id,
            amount=30,
            memo=PAYMENT_MEMO,
            category="digital",
            idempotency_key="demo-payment-laptop",
        )


async def _accepted(
    hub: Hub, opportunity: Opportunity, applicant: Member, manager: Member
) -> Application:
    found = await Application.get_or_none(
        hub_id=hub.id, opportunity_id=opportunity.id, applicant_id=applicant.id
    )
    if found is None:
        found = await applications.apply(
            actor=_as(applicant), opportunity_id=opportunity.id, message="Happy to help."
        )
        found = await applications.accept(actor=_as(manager), application_id=found.id)
    return found


async def _skills(hub: Hub) -> dict[str, Skill]:
    found = {s.slug: s for s in await Skill.filter(hub_id=hub.id)}
    for slug, name, category in SKILLS:
        if slug not in found:
            found[slug] = await Skill.create(hub_id=hub.id, slug=slug, name=name, category=category)
    return found


async def _person(hub: Hub, person: DemoPerson, skills: dict[str, Skill]) -> Member:
    existing = await Member.get_or_none(hub_id=hub.id, email=person.email)
    if existing is not None:
        return existing
    member = await create_account(
        hub_slug=hub.slug,
        email=person.email,
        password=DEMO_PASSWORD,
        display_name=person.display_name,
        roles=list(person.roles),
    )
    profile: dict[str, Any] = {
        "bio": person.bio,
        "interests": list(person.interests),
        "travel_km": person.travel_km,
        "availability": [
            {"weekday": day, "from": start, "to": end} for day, start, end in person.availability
        ],
    }
    if person.home is not None:
        lat, lng = person.home
        profile.update(
            home_lat=lat, home_lng=lng, home_cell=h3.latlng_to_cell(lat, lng, H3_RESOLUTION)
        )
    await Member.filter(id=member.id).update(**profile)
    for slug in person.skills:
        await MemberSkill.create(hub_id=hub.id, member_id=member.id, skill_id=skills[slug].id)
    return await Member.get(id=member.id)


async def _organisation(hub: Hub, demo: DemoOrganisation, members: dict[str, Member]) -> None:
    if await Organisation.exists(hub_id=hub.id, slug=demo.slug):
        return
    owner = Actor(member=members[demo.owner])
    org = await organisations.create_organisation(
        actor=owner,
        name=demo.name,
        kind=demo.kind,
        slug=demo.slug,
        description=demo.description,
        website=demo.website,
        contact_email=demo.contact_email,
        area=demo.area,
    )
    for email, role in demo.people:
        await organisations.add_member(
            actor=owner, organisation_id=org.id, member_id=members[email].id, role=role
        )
