"""UK Volunteering Data Standard feed: validated with `jsonschema` against the fields the
standard requires — it publishes no machine-readable schema (tests/opendata/schemas/README.md)
— each listed below with its source."""

from typing import Any
from urllib.parse import urlsplit

import httpx
from jsonschema import Draft202012Validator

from app.opportunities.models import OpportunityStatus
from app.organisations import service as organisations
from tests.opendata import schemas
from tests.opendata.conftest import World, actor_of, get_json, post

# Sources of the required fields:
# [P] https://standard.volunteeringdata.io/publishing-opportunities-data, "Sharing multiple
#     organisations opportunities", Example 1: the recommended structure (a JSON-LD document,
#     context https://api.volunteeringdata.io/context/v1, whose `graph` lists Organisations,
#     each with `type`, `id`, `name` and `activity`; an activity has `id`, `title`,
#     `description` and `role`; a role `title`, `description`, `applyLink`,
#     `allowsRemoteParticipation` (boolean), `minimumAge` (a string), `requirement` (terms of
#     https://ns.volunteeringdata.io/)).
# [J] github.com/volunteeringdata/volunteering-open-data-infrastructure @ 66b603e5,
#     data/json-format/activity.json: an activity's `organisation`, `allowsRemoteParticipation`,
#     `requiresEmergencyParticipation`, and `session` with `location` (`locationLabel`,
#     `locationType`, `latitude`, `longitude`) and `time` (`beginning`, `end`).
# [S] same repository, vocabulary/shapes.ttl: an Activity has exactly one description
#     (sh:minCount 1, sh:maxCount 1).
IRI = {"type": "string", "format": "uri", "pattern": "^https?://"}
TERM = {"type": "string", "pattern": "^https://ns\\.volunteeringdata\\.io/[A-Za-z]+$"}
LOCATION = {
    "type": "object",
    "required": ["locationLabel", "locationType"],  # [J]
    "properties": {
        "locationLabel": {"type": "string", "minLength": 1},
        "locationType": {"type": "string"},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
    },
}
ROLE = {
    "type": "object",
    "required": ["title", "description", "applyLink", "allowsRemoteParticipation"],  # [P]
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "applyLink": IRI,
        "allowsRemoteParticipation": {"type": "boolean"},
        "minimumAge": {"type": "string", "pattern": "^[0-9]+$"},  # [P] a string: "18"
        "requirement": {"type": "array", "items": TERM},
        "commitment": {"type": "string"},
    },
}
ACTIVITY = {
    "type": "object",
    "required": ["id", "title", "description", "role", "organisation"],  # [P], [J]
    "properties": {
        "id": IRI,
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},  # [S] exactly one: a string
        "organisation": IRI,
        "allowsRemoteParticipation": {"type": "boolean"},  # [J]
        "requiresEmergencyParticipation": {"type": "boolean"},  # [J]
        "role": {"type": "array", "minItems": 1, "items": ROLE},
        "session": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "array", "items": LOCATION},
                    "time": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "beginning": {"type": "string", "format": "date-time"},
                                "end": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                },
            },
        },
    },
}
ORGANISATION = {
    "type": "object",
    "required": ["type", "id", "name", "activity"],  # [P]
    "properties": {
        "type": {"const": "Organisation"},
        "id": IRI,
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "website": IRI,
        "activity": {"type": "array", "minItems": 1, "items": ACTIVITY},
    },
}
DOCUMENT = {
    "type": "object",
    "required": ["@context", "graph"],  # [P]
    "properties": {
        "@context": {"const": "https://api.volunteeringdata.io/context/v1"},
        "graph": {"type": "array", "items": ORGANISATION},
        # This hub's statement of licence and update (issue 18: in every feed).
        "license": {"type": "object", "required": ["id", "name", "url"]},
        "dateModified": {"type": "string", "format": "date-time"},
    },
}


def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(DOCUMENT)
    return Draft202012Validator(DOCUMENT, format_checker=Draft202012Validator.FORMAT_CHECKER)


async def test_feed_lists_organisations_requests_for_volunteers(
    http: httpx.AsyncClient, world: World
) -> None:
    # when
    response = await http.get(f"/opendata/{world.hub.slug}/volunteering.json")
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    schemas.check(validator(), body)
    assert body["license"]["id"] == "OGL-UK-3.0" and body["dateModified"]
    (org,) = body["graph"]
    assert org["name"] == "Green Fingers"
    # only the open request (the offer is help given, not a volunteering role)
    (activity,) = org["activity"]
    assert activity["title"] == "Help in the community garden"
    (role,) = activity["role"]
    assert role["minimumAge"] == "16"
    assert role["requirement"] == ["https://ns.volunteeringdata.io/DBSCheck"]
    assert activity["skill"] == [{"label": "First aid"}]
    (session,) = activity["session"]
    assert session["location"][0]["locationLabel"] == "Ancoats"
    assert body["page"] == {"number": 1, "perPage": 50, "totalItems": 1, "totalPages": 1}


async def test_feed_pages_link_to_the_next_one(http: httpx.AsyncClient, world: World) -> None:
    # given: a second open request by the other organisation
    await organisations.add_member(
        actor=actor_of(world.owner),
        organisation_id=world.quiet.id,
        member_id=world.resident.member.id,
        role="staff",
    )
    second = await post(
        actor_of(world.resident),
        world.category,
        title="Read to children",
        organisation_id=world.quiet.id,
        location=None,
        remote=True,
    )
    assert second.status == OpportunityStatus.PUBLISHED
    # when
    first: Any = await get_json(http, f"/opendata/{world.hub.slug}/volunteering.json?per_page=1")
    following = urlsplit(first["next"])
    last: Any = await get_json(http, f"{following.path}?{following.query}")
    # then
    for body in (first, last):
        schemas.check(validator(), body)
    assert first["page"]["totalPages"] == 2 and "next" not in last
    titles = [a["title"] for b in (first, last) for o in b["graph"] for a in o["activity"]]
    assert titles == ["Help in the community garden", "Read to children"]
    remote = last["graph"][0]["activity"][0]
    assert remote["allowsRemoteParticipation"] is True
    assert remote["session"][0]["location"] == [
        {"locationLabel": "Online", "locationType": "online"}
    ]
