"""Linked accounts (issue 22): one person who is a member of two hubs of this installation links
their two accounts, proving both emails, so that each portfolio shows the verified hours of both.

- Signed in to hub A (whose email is verified), the member asks to link their account in hub B,
  named by B's slug and their email there. The B account's email must be verified too; a
  one-time link goes to it (the token pattern of app/auth: random, prefixed, stored as a
  SHA-256 hash, `email_token_ttl_seconds` to live). Nothing else is sent or shown to hub A: an
  email that is no member's of B is refused as EMAIL_MISMATCH, as registering would tell.
- The B member confirms with the token (the emailed page, or `confirmAccountLink`), or signed
  in to B by the link's id. Both emails are checked again then.
- One link per pair of accounts (a unique index on the unordered pair); either side removes it;
  erasing either account removes it (app/gdpr/erasure.py). Audit rows in both hubs.

Any two hubs of the installation may be linked: this is about one person's record, not about
credits, so no link between the hubs (app/federation/links.py) is needed — each hub's members
chose to join it, and the person proved both addresses.

A hub on another installation is reached through its hub's link with keys: the slug names the
partner hub of such a link first (a hub of this installation otherwise), and the messages and
who holds the truth are in app/federation/remote_accounts.py.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app import i18n
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.budgets import limits
from app.config import get_settings
from app.errors import DomainError
from app.federation import remote_accounts
from app.federation.errors import FederationErrorCode as E
from app.federation.models import AccountLink, AccountLinkStatus
from app.hubs.models import Hub
from app.i18n import _, gettext
from app.mail import templates
from app.mail.service import queue_email, recipient_locale
from app.people.models import Member

TOKEN_PREFIX = "chl_"
MAX_TOKEN_LENGTH = 100
CONFIRM_PATH = "/account-links/confirm"
# Each request emails the other account: a few an hour per account asked (and per address),
# so that nobody floods a member of another hub with link emails.
ASK = limits.Limit("account-link", per_identity=5, per_address=30, seconds=limits.HOUR)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _invalid_token() -> DomainError:
    return DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), "token")


def confirm_email(
    *, display_name: str, hub_name: str, other_hub: str, link: str
) -> tuple[str, str]:
    """The email to the B account (rendered in its member's language)."""
    return (
        gettext("Link your accounts in {hub} and {other}", hub=hub_name, other=other_hub),
        templates.greeting(display_name)
        + "\n\n"
        + gettext(
            "Your account in {other} asked to be linked with your account in {hub}, so that"
            " each portfolio shows the verified hours of both. To confirm, open this link:",
            hub=hub_name,
            other=other_hub,
        )
        + f"\n\n{link}\n\n"
        + gettext("If it was not you, ignore this email: nothing is linked.")
        + "\n",
    )


async def _verified_member(member_id: int) -> Member:
    member = await Member.get(id=member_id)
    if member.email_verified_at is None or member.erased_at is not None or not member.email:
        raise DomainError(
            E.EMAIL_NOT_VERIFIED, _("Verify your email address in this hub first."), None
        )
    return member


async def request_link(*, actor: Actor, hub_slug: str, email: str) -> AccountLink:
    """Asks to link the actor's account with their account in hub `hub_slug` (by its email):
    a pending link and a one-time confirmation link emailed to that account. Asking again while
    pending sends a fresh link (the old one stops working), up to ASK an hour per account
    asked (RATE_LIMITED). Refusals write nothing."""
    me = await _verified_member(actor.member_id)
    slug = hub_slug.strip().lower()[:60]
    partner = await remote_accounts.partner_link(hub_id=actor.hub_id, slug=slug)
    if partner is not None:
        return await remote_accounts.request(actor=actor, me=me, link=partner, email=email)
    hub = await Hub.get_or_none(slug=slug)
    if hub is None:
        raise DomainError(E.NOT_FOUND, _("No hub with that slug here."), "hubSlug")
    if hub.id == actor.hub_id:
        raise DomainError(E.SAME_HUB, _("Your other account must be in another hub."), "hubSlug")
    address = v.email(email, field="email", invalid=E.INVALID)
    other = await Member.get_or_none(hub_id=hub.id, email=address, erased_at=None)
    if other is None:
        raise DomainError(E.EMAIL_MISMATCH, _("No member of that hub has this email."), "email")
    if other.email_verified_at is None:
        raise DomainError(
            E.EMAIL_NOT_VERIFIED,
            _("That account's email is not verified: verify it in that hub first."),
            "email",
        )
    await limits.guard(ASK, identity=f"{hub.id}:{other.id}", code=E.RATE_LIMITED, field="email")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(seconds=get_settings().email_token_ttl_seconds)
    try:
        async with in_transaction():
            existing = await _pair(me.id, other.id)
            if existing is not None and existing.status == AccountLinkStatus.ACTIVE:
                raise DomainError(
                    E.ALREADY_LINKED, _("These accounts are linked already."), "email"
                )
            if existing is not None:  # pending: a fresh link, asked from this side now
                await AccountLink.filter(id=existing.id).delete()
            link = await AccountLink.create(
                hub_a_id=me.hub_id,  # type: ignore[attr-defined]
                member_a_id=me.id,
                hub_b_id=hub.id,
                member_b_id=other.id,
                status=AccountLinkStatus.PENDING,
                token_hash=digest(raw),
                expires_at=expires,
            )
            url = f"{get_settings().public_url}{CONFIRM_PATH}?token={raw}"
            mine = await Hub.get(id=actor.hub_id)
            with i18n.use_locale(await recipient_locale(other)):
                subject, text = confirm_email(
                    display_name=other.display_name,
                    hub_name=hub.name,
                    other_hub=mine.name,
                    link=url,
                )
            await queue_email(to=other.email or "", subject=subject, text=text)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="account_link.request",
                object_type="AccountLink",
                object_id=link.id,
                data={"hub_id": hub.id},
            )
    except IntegrityError as exc:  # the other side asked at the same moment
        raise DomainError(
            E.ALREADY_LINKED, _("These accounts are linked already."), "email"
        ) from exc
    return link


async def _pair(member_id: int, other_id: int, *, lock: bool = True) -> AccountLink | None:
    low, high = sorted((member_id, other_id))
    conn = Tortoise.get_connection("default")
    # Serialise the pair (two requests at once from both sides make one row).
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('account_link:' || $1 || ':' || $2, 0))",
        [str(low), str(high)],
    )
    query = AccountLink.filter(
        member_a_id__in=[low, high], member_b_id__in=[low, high], hub_link_id__isnull=True
    )
    return await (query.select_for_update() if lock else query).first()


async def confirm_by_token(*, token: str) -> AccountLink:
    """The B account's confirmation with the emailed token: INVALID_TOKEN if unknown,
    TOKEN_USED once confirmed, EXPIRED_TOKEN if late; both emails must still be verified."""
    if len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        raise _invalid_token()
    async with in_transaction():
        link = await AccountLink.select_for_update().get_or_none(token_hash=digest(token))
        if link is None or link.status == AccountLinkStatus.REMOVING:
            raise _invalid_token()
        link = await _activate(link, actor=None)
    if link.hub_link_id is not None:  # across installations: the asking side is told
        await remote_accounts.tell_confirmed(link)
    return link


async def confirm_signed_in(*, actor: Actor, link_id: int) -> AccountLink:
    """The B account's confirmation, signed in to hub B: a link waiting for the actor."""
    async with in_transaction():
        link = await AccountLink.select_for_update().get_or_none(
            id=link_id, member_b_id=actor.member_id, hub_b_id=actor.hub_id
        )
        if link is None or link.status == AccountLinkStatus.REMOVING:
            raise DomainError(E.NOT_FOUND, _("No such account link."), "linkId")
        link = await _activate(link, actor=actor)
    if link.hub_link_id is not None:
        await remote_accounts.tell_confirmed(link)
    return link


async def _activate(link: AccountLink, *, actor: Actor | None) -> AccountLink:
    if link.status == AccountLinkStatus.ACTIVE:
        raise DomainError(E.TOKEN_USED, _("These accounts are linked already."), "token")
    if link.expires_at <= datetime.now(UTC):
        raise DomainError(E.EXPIRED_TOKEN, _("This link or token has expired."), "token")
    for member_id in (link.member_a_id, link.member_b_id):
        if member_id is not None:  # across installations, the other side checked its own
            await _verified_member(member_id)
    link.status = AccountLinkStatus.ACTIVE
    link.confirmed_at = datetime.now(UTC)
    await link.save(update_fields=["status", "confirmed_at"])
    if link.hub_link_id is not None:
        await remote_accounts.record(link, "account_link.link", actor=actor)
    else:
        await _record(link, "account_link.link", actor=actor)
    return link


async def _record(link: AccountLink, action: str, *, actor: Actor | None, **data: Any) -> None:
    """One audit row in each hub, its member the subject (the actor's side names them)."""
    for hub_id, member_id in ((link.hub_a_id, link.member_a_id), (link.hub_b_id, link.member_b_id)):
        assert hub_id is not None
        await audit.record(
            actor=actor if actor is not None and actor.hub_id == hub_id else None,
            hub_id=hub_id,
            action=action,
            object_type="AccountLink",
            object_id=link.id,
            subject_id=member_id,
            data=data or None,
        )


async def remove_link(*, actor: Actor, link_id: int) -> int:
    """Either side removes the link (pending or active); returns its id. Across installations
    the partner is told at once (and by the link sync until it acknowledges)."""
    async with in_transaction():
        link = await AccountLink.select_for_update().get_or_none(id=link_id)
        if (
            link is None
            or link.status == AccountLinkStatus.REMOVING
            or (actor.member_id, actor.hub_id)
            not in ((link.member_a_id, link.hub_a_id), (link.member_b_id, link.hub_b_id))
        ):
            raise DomainError(E.NOT_FOUND, _("No such account link."), "linkId")
        if link.hub_link_id is not None:
            await remote_accounts.mark_removed(link, actor=actor, reason=None)
        else:
            await AccountLink.filter(id=link.id).delete()
            await _record(link, "account_link.unlink", actor=actor)
    if link.hub_link_id is not None:
        await remote_accounts.deliver_removal(link)
    return link_id


async def forget_member(*, member_id: int, hub_id: int) -> None:
    """Erasure of either account removes its links (call it in the erasure's transaction).
    A link across installations waits, REMOVING and its cached hours gone, for the link sync
    to tell the partner."""
    links = (
        await AccountLink.filter(
            Q(member_a_id=member_id, hub_a_id=hub_id) | Q(member_b_id=member_id, hub_b_id=hub_id)
        )
        .exclude(status=AccountLinkStatus.REMOVING)
        .select_for_update()
    )
    for link in links:
        if link.hub_link_id is not None:
            await remote_accounts.mark_removed(link, actor=None, reason="erasure")
            continue
        await AccountLink.filter(id=link.id).delete()
        await _record(link, "account_link.unlink", actor=None, reason="erasure")


@dataclass(frozen=True)
class LinkView:
    """A link as its person sees it from the actor's account: the other hub and account."""

    id: int
    status: AccountLinkStatus
    hub_name: str
    hub_slug: str
    asked_by_me: bool
    created_at: datetime
    confirmed_at: datetime | None
    remote: bool = False  # the other account is on a partner installation


# The other hub: of this installation, or the partner hub of the link with another one.
_LINKS = """
SELECT l.id, l.status, l.created_at, l.confirmed_at,
       coalesce(l.member_a_id = $1, false) AS asked_by_me,
       coalesce(h.name, k.partner_name) AS hub_name, coalesce(h.slug, k.partner_slug) AS hub_slug,
       (l.hub_link_id IS NOT NULL) AS remote
  FROM account_link l
  LEFT JOIN hub_link k ON k.id = l.hub_link_id
  LEFT JOIN hub h ON l.hub_link_id IS NULL
   AND h.id = CASE WHEN l.member_a_id = $1 THEN l.hub_b_id ELSE l.hub_a_id END
 WHERE ((l.member_a_id = $1 AND l.hub_a_id = $2) OR (l.member_b_id = $1 AND l.hub_b_id = $2))
   AND l.status <> 'removing'
   AND ($3::bigint IS NULL OR l.id = $3)
 ORDER BY hub_name, l.id"""


async def links_of(*, actor: Actor) -> list[LinkView]:
    """The actor's own links (pending and active), in one statement: nobody else's."""
    return await _views(member_id=actor.member_id, hub_id=actor.hub_id)


async def view_for_b(link: AccountLink) -> LinkView:
    """A link as its confirming (B) account sees it."""
    assert link.member_b_id is not None and link.hub_b_id is not None
    [found] = await _views(member_id=link.member_b_id, hub_id=link.hub_b_id, link_id=link.id)
    return found


async def view_for(link: AccountLink, *, actor: Actor) -> LinkView:
    [found] = await _views(member_id=actor.member_id, hub_id=actor.hub_id, link_id=link.id)
    return found


async def _views(*, member_id: int, hub_id: int, link_id: int | None = None) -> list[LinkView]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _LINKS, [member_id, hub_id, link_id]
    )
    return [
        LinkView(
            id=r["id"],
            status=AccountLinkStatus(r["status"]),
            hub_name=r["hub_name"],
            hub_slug=r["hub_slug"],
            asked_by_me=r["asked_by_me"],
            created_at=r["created_at"],
            confirmed_at=r["confirmed_at"],
            remote=r["remote"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class HubHours:
    """A member's verified hours in one hub: theirs (`own`) or a linked account's."""

    hub_name: str
    hub_slug: str
    own: bool
    minutes: int
    services: int
    # An account on a partner installation: when its hours were fetched (cached here).
    fetched_at: datetime | None = None


# The member's verified hours per hub: their own account first, then each active linked
# account's (on this installation, summed here; on another, as last fetched) and each guest
# account's, in one statement however many links.
_HOURS_BY_HUB = """
WITH accounts AS (
  SELECT $1::bigint AS hub_id, $2::bigint AS member_id
  UNION
  SELECT hub_b_id, member_b_id FROM account_link
   WHERE status = 'active' AND hub_a_id = $1 AND member_a_id = $2 AND hub_link_id IS NULL
  UNION
  SELECT hub_a_id, member_a_id FROM account_link
   WHERE status = 'active' AND hub_b_id = $1 AND member_b_id = $2 AND hub_link_id IS NULL
  UNION  -- the member's guest accounts in partner hubs (app/federation/guests.py)
  SELECT hub_id, id FROM member WHERE home_member_id = $2
), local AS (
  SELECT h.name, h.slug, (a.hub_id = $1) AS own,
         coalesce(sum(r.minutes), 0)::bigint AS minutes,
         count(DISTINCT r.application_id)::int AS services, NULL::timestamptz AS fetched_at
    FROM accounts a
    JOIN hub h ON h.id = a.hub_id
    LEFT JOIN hours_record r
      ON r.hub_id = a.hub_id AND r.volunteer_id = a.member_id AND r.status = 'verified'
   GROUP BY a.hub_id, h.name, h.slug
), remote AS (
  SELECT k.partner_name, k.partner_slug, false, l.remote_minutes, l.remote_services,
         l.fetched_at
    FROM account_link l
    JOIN hub_link k ON k.id = l.hub_link_id
   WHERE l.status = 'active' AND l.fetched_at IS NOT NULL
     AND ((l.hub_a_id = $1 AND l.member_a_id = $2) OR (l.hub_b_id = $1 AND l.member_b_id = $2))
)
SELECT * FROM (SELECT * FROM local UNION ALL SELECT * FROM remote) AS t
 ORDER BY own DESC, name, slug"""


async def hours_by_hub(*, hub_id: int, member_id: int) -> list[HubHours]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _HOURS_BY_HUB, [hub_id, member_id]
    )
    return [
        HubHours(
            r["name"],
            r["slug"],
            bool(r["own"]),
            int(r["minutes"]),
            int(r["services"]),
            r["fetched_at"],
        )
        for r in rows
    ]
