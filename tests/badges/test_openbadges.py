"""Open Badges 2.0 hosted verification: the Issuer, BadgeClass and Assertion served at their
public URLs carry the fields and types the 2.0 specification requires for hosted verification;
the recipient is the salted SHA-256 of the email; a revoked award answers 410 with its reason
and is in the revocation list; the baked PNG holds the assertion URL in its iTXt chunk."""

import hashlib
import io
import re
import struct
import zlib
from datetime import datetime
from typing import Any

import httpx
from PIL import Image

from app.badges import awards
from app.badges.models import Award, BadgeClass
from app.people.models import Role
from tests.badges.conftest import Records, actor_of

CONTEXT = "https://w3id.org/openbadges/v2"
IRI = re.compile(r"^https?://[^\s]+$")


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(IRI.match(value))


def is_datetime(value: Any) -> bool:
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


async def fetch(http: httpx.AsyncClient, url: str, status: int = 200) -> dict[str, Any]:
    """GET a document by its own id (hosted verification follows the URLs it is given)."""
    response = await http.get(url.removeprefix("http://testserver"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert document["@context"] == CONTEXT
    assert document["id"] == url  # each document is hosted at its id
    return document


def check_issuer(doc: dict[str, Any]) -> None:
    # Profile: id (IRI), type, name (Text), url (IRI) required for an issuer.
    assert doc["type"] == "Issuer"
    assert is_iri(doc["id"]) and is_iri(doc["url"]) and is_iri(doc["revocationList"])
    assert isinstance(doc["name"], str) and doc["name"]


def check_badge_class(doc: dict[str, Any]) -> None:
    # BadgeClass: id, type, name, description, image (IRI), criteria (IRI or Criteria with
    # a narrative), issuer (IRI of a Profile) required.
    assert doc["type"] == "BadgeClass"
    assert all(isinstance(doc[k], str) and doc[k] for k in ("name", "description"))
    assert is_iri(doc["image"]) and is_iri(doc["issuer"])
    assert isinstance(doc["criteria"], dict) and isinstance(doc["criteria"]["narrative"], str)


def check_assertion(doc: dict[str, Any]) -> None:
    # Assertion: id, type, recipient (IdentityObject: type, identity, hashed, salt), badge
    # (IRI), verification (type hosted), issuedOn (DateTime) required.
    assert doc["type"] == "Assertion"
    recipient = doc["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    assert isinstance(recipient["salt"], str) and recipient["salt"]
    assert re.fullmatch(r"sha256\$[0-9a-f]{64}", recipient["identity"])
    assert is_iri(doc["badge"]) and doc["verification"] == {"type": "hosted"}
    assert is_datetime(doc["issuedOn"])


def itxt_chunks(data: bytes) -> dict[str, str]:
    """The iTXt chunks of a PNG, read by hand from the bytes (keyword -> text)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc
        if kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            compressed, rest = rest[0], rest[2:]
            _language, _translated, text = rest.split(b"\0", 2)
            found[keyword.decode()] = (zlib.decompress(text) if compressed else text).decode()
        at += 12 + length
    return found


async def test_issuer_badge_class_and_assertion_are_valid_hosted_open_badges(
    hub: Any, http: httpx.AsyncClient, records: Records, make_person: Any
) -> None:
    # given: Bea earned the hub's default "First hours" badge
    bea = await make_person(display_name="Bea")
    await records.hours(bea, 60)
    first = await BadgeClass.get(hub_id=hub.id, slug="first-hours")
    await awards.award_by_rule(first)
    award = await Award.get(badge_class_id=first.id, member_id=bea.member.id)
    # when: a verifier follows the assertion to its badge class and issuer
    url = f"http://testserver/badges/assertions/{award.uid}.json"
    assertion = await fetch(http, url)
    check_assertion(assertion)
    badge_class = await fetch(http, assertion["badge"])
    check_badge_class(badge_class)
    issuer = await fetch(http, badge_class["issuer"])
    check_issuer(issuer)
    # then: the recipient is Bea's email, salted and hashed
    salt = assertion["recipient"]["salt"]
    digest = hashlib.sha256((bea.email.lower() + salt).encode()).hexdigest()
    assert assertion["recipient"]["identity"] == f"sha256${digest}"
    assert bea.email not in str(assertion)
    assert badge_class["name"] == "First hours" and issuer["name"] == hub.name
    image = await http.get(badge_class["image"].removeprefix("http://testserver"))
    assert image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (256, 256)
    # then: the revocation list is empty
    revocations = await fetch(http, issuer["revocationList"])
    assert revocations["type"] == "RevocationList" and revocations["revokedAssertions"] == []


async def test_the_baked_png_holds_the_assertion_url_in_its_itxt_chunk(
    hub: Any, http: httpx.AsyncClient, records: Records, make_person: Any
) -> None:
    bea = await make_person(display_name="Bea")
    await records.hours(bea, 60)
    first = await BadgeClass.get(hub_id=hub.id, slug="first-hours")
    await awards.award_by_rule(first)
    award = await Award.get(badge_class_id=first.id, member_id=bea.member.id)
    response = await http.get(f"/badges/assertions/{award.uid}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    url = f"http://testserver/badges/assertions/{award.uid}.json"
    assert itxt_chunks(response.content) == {"openbadges": url}
    # and Pillow, reading it as another platform would, finds the same
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.info["openbadges"] == url


async def test_a_revoked_assertion_answers_gone_and_is_in_the_revocation_list(
    hub: Any, http: httpx.AsyncClient, records: Records, make_person: Any, admin: Any
) -> None:
    bea = await make_person(display_name="Bea")
    await records.hours(bea, 60)
    first = await BadgeClass.get(hub_id=hub.id, slug="first-hours")
    await awards.award_by_rule(first)
    award = await awards.revoke(
        actor=actor_of(admin, Role.HUB_ADMIN), badge_class_id=first.id,
        member_id=bea.member.id, reason="Hours were logged by mistake",
    )  # fmt: skip
    url = f"http://testserver/badges/assertions/{award.uid}.json"
    gone = await fetch(http, url, status=410)
    assert gone["revoked"] is True and gone["revocationReason"] == "Hours were logged by mistake"
    listed = await fetch(http, f"http://testserver/badges/issuers/{hub.slug}/revocations.json")
    assert listed["revokedAssertions"] == [
        {"id": url, "revocationReason": "Hours were logged by mistake"}
    ]
    assert (await http.get(f"/badges/assertions/{award.uid}.png")).status_code == 410
    assert (await http.get("/badges/assertions/not-a-uid.json")).status_code == 404
