"""Open Badges 2.0 hosted verification: the JSON-LD of the Issuer (the hub), each BadgeClass,
each Assertion (an award) and the hub's RevocationList, at stable public URLs (app/web/badges.py).

- Every document has "@context": https://w3id.org/openbadges/v2, a "type" and an "id" that is the
  URL it is served at (hosted verification fetches it from there);
- the recipient is identified by "sha256$" + sha256(email + salt), with `hashed: true` and the
  award's own `salt` (an organisation without an email: its profile URL, type "url");
- a revoked award answers 410 Gone with `revoked: true` and its reason, and is listed in the
  issuer's revocation list.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from app.badges.models import Award, BadgeClass
from app.config import get_settings
from app.hubs.models import Hub
from app.organisations.models import Organisation
from app.people.models import Member

CONTEXT = "https://w3id.org/openbadges/v2"


def _base() -> str:
    return f"{get_settings().public_url}/badges"


def issuer_url(hub: Hub) -> str:
    return f"{_base()}/issuers/{hub.slug}.json"


def revocations_url(hub: Hub) -> str:
    return f"{_base()}/issuers/{hub.slug}/revocations.json"


def badge_url(badge: BadgeClass) -> str:
    return f"{_base()}/classes/{badge.id}.json"


def image_url(badge: BadgeClass) -> str:
    return f"{_base()}/classes/{badge.id}.png"


def assertion_url(award: Award) -> str:
    return f"{_base()}/assertions/{award.uid}.json"


def baked_url(award: Award) -> str:
    return f"{_base()}/assertions/{award.uid}.png"


def issuer(hub: Hub) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(hub),
        "name": hub.name,
        "url": f"{get_settings().public_url}/hubs/{hub.slug}",
        "revocationList": revocations_url(hub),
    }


def badge_class(hub: Hub, badge: BadgeClass) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_url(badge),
        "name": badge.name,
        "description": badge.description,
        "image": image_url(badge),
        "criteria": {"narrative": criteria(badge)},
        "issuer": issuer_url(hub),
    }


def criteria(badge: BadgeClass) -> str:
    """The rule in words, as the badge's criteria."""
    period = {"all_time": "", "past_year": " within a year", "past_month": " within 30 days"}
    return (
        f"Awarded by {get_settings().public_url} when the holder's {badge.metric.replace('_', ' ')}"
        f" reaches {badge.threshold}{period[badge.period.value]}, from verified records."
    )


@dataclass(frozen=True)
class Recipient:
    kind: str  # "email" or "url"
    identity: str


def recipient_of(
    award: Award, member: Member | None, organisation: Organisation | None
) -> Recipient:
    if member is not None and member.email:
        return Recipient("email", member.email.strip().lower())
    if organisation is not None and organisation.contact_email:
        return Recipient("email", organisation.contact_email.strip().lower())
    if organisation is not None:
        return Recipient("url", f"{get_settings().public_url}/organisations/{organisation.slug}")
    return Recipient("url", f"{get_settings().public_url}/members/{award.member_id}")


def hashed(identity: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def assertion(award: Award, badge: BadgeClass, recipient: Recipient) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": {
            "type": recipient.kind,
            "hashed": True,
            "salt": award.salt,
            "identity": hashed(recipient.identity, award.salt),
        },
        "badge": badge_url(badge),
        "issuedOn": award.awarded_at.isoformat(),
        "verification": {"type": "hosted"},
        "image": baked_url(award),
    }
    if award.revoked_at is not None:
        document |= {"revoked": True, "revocationReason": award.revocation_reason}
    return document


def revocation_list(hub: Hub, revoked: list[Award]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": revocations_url(hub),
        "issuer": issuer_url(hub),
        "revokedAssertions": [
            {"id": assertion_url(a), "revocationReason": a.revocation_reason} for a in revoked
        ],
    }
