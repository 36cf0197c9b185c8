"""The demo hub "demo" (Demo City): people, skills and organisations to try the API with.

Every demo account signs in at once (email verified) with the password DEMO_PASSWORD:

    demo-admin@example.org        hub admin; owns Manchester Community Libraries
    demo-moderator@example.org    moderator
    demo-coordinator@example.org  coordinator (acts for members who are not online)
    amina@example.org, ben@example.org, chloe@example.org,
    dev@example.org, ella@example.org, finn@example.org   members around Manchester

Loading is idempotent: whatever already exists (matched by hub slug, skill slug, email and
organisation slug) is left exactly as it is, so a second run changes nothing.
"""

from dataclasses import dataclass
from typing import Any

import h3
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.auth.service import create_account
from app.hubs import service as hubs
from app.hubs.models import Hub
from app.organisations import service as organisations
from app.organisations.models import Organisation, OrganisationKind, OrganisationRole
from app.people.models import Member, MemberSkill, Role, Skill

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
        # Opportunities (offers and requests from these people and organisations) come with
        # the opportunities module: add them here, keyed so that reloading stays a no-op.


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
