"""Linked accounts across installations (issue 22): one person's accounts in two hubs on two
installations that have a link with keys (app/federation/remote.py), so that each portfolio
shows the verified hours of both. The within-installation rules are app/federation/accounts.py;
here each installation keeps its own AccountLink row (`hub_link`, the shared `ref`, the other
account's `remote_member_id`), and the two talk in signed messages (app/federation/signing.py,
through protocol.send and receiving.receive):

1. Signed in to hub A (email verified), the member names B's slug and their email there. A
   writes its PENDING row (its member in `member_a`) and sends `account_link_request` (its
   message id is the link's `ref`). B answers `{"state": "requested"}` to every well-formed
   request: whether the email is a verified member's there, rate-limited, or linked already,
   A is told nothing more (no enumeration). When it is, B writes its PENDING row (its member in
   `member_b`, A's member as `remote_member_id`) and emails the one-time token (accounts.py's
   pattern). A repeated request (the same ref) writes nothing and sends nothing. No answer: A
   drops its row and says PARTNER_UNREACHABLE (an orphan row B may have kept is dropped when
   its confirmation meets A's "unknown").
2. The B member confirms on B (token page or signed in): B activates its row, then sends
   `account_link_confirmed`; A activates its row and learns B's member id. Lost, A learns it on
   its next fetch (3). Answered "unknown" (A removed it meanwhile), B drops its row.
3. Each side's link sync (worker cron `federation_account_links`, CLI of the same name) sends
   `verified_hours` for each of its active links (and A for its pending asks): the partner
   answers only for an active link with that ref whose remote member is the asker's, with the
   hub totals and per-opportunity lines of its account; the answer is cached in the row
   (`remote_minutes`, `remote_services`, `remote_lines`, `fetched_at`), so a portfolio read
   never waits on the network. "unknown" for an active link: the partner removed it (and its
   message was lost): removed here too.
4. Either side removes a link (the member, or erasure): its row turns REMOVING at once (shown
   and counted nowhere, its cached hours cleared), `account_link_removed` is sent (at once, and
   by the sync until acknowledged), then the row goes. The receiver deletes its row; it answers
   `removed` whether or not it knew the ref, so a repeat is harmless.

Who holds the truth: the confirming side (B) decides that a link is active, since only B saw
the B email proven; A's row follows B's word (the confirmation message or a fetch). Either
side's removal is final: the other follows it when told, or when its next fetch of an active
link is answered "unknown". Expired PENDING rows are dropped by the sync on both sides.
"""

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from app.federation import protocol
from app.federation.errors import FederationErrorCode as E
from app.federation.models import AccountLink, AccountLinkStatus, HubLink, LinkStatus
from app.hubs.models import Hub
from app.i18n import _
from app.mail.service import queue_email, recipient_locale
from app.people.models import Member

log = logging.getLogger(__name__)

REQUEST = "account_link_request"
CONFIRMED = "account_link_confirmed"
REMOVED = "account_link_removed"
HOURS = "verified_hours"
KINDS = (REQUEST, CONFIRMED, REMOVED, HOURS)
UNKNOWN = "unknown_account_link"
MAX_LINES = 50
SYNC_BATCH = 500
# Asked from a partner: a few emails an hour per member asked; the address is the partner
# installation's, shared by all its members, so its allowance is wide.
ASKED = limits.Limit("account-link-partner", per_identity=5, per_address=1000, seconds=limits.HOUR)


class Unknown(Exception):
    """A message about an account link this side does not have (answered 404)."""


class Malformed(Exception):
    """A message whose fields are missing or of the wrong type (answered 400)."""


async def partner_link(*, hub_id: int, slug: str) -> HubLink | None:
    """The hub's link with a hub of that slug on another installation, keys exchanged."""
    link = await HubLink.get_or_none(hub_id=hub_id, partner_slug=slug, partner_hub_id=None)
    if link is None or not link.data.get("partner_key"):
        return None
    return link


def _expiry() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=get_settings().email_token_ttl_seconds)


def _mine(member_id: int) -> Q:
    return Q(member_a_id=member_id) | Q(member_b_id=member_id)


async def record(row: AccountLink, action: str, *, actor: Actor | None, **data: Any) -> None:
    """The audit row in this installation's hub (the partner writes its own)."""
    hub_id = row.hub_a_id or row.hub_b_id
    assert hub_id is not None
    await audit.record(
        actor=actor,
        hub_id=hub_id,
        action=action,
        object_type="AccountLink",
        object_id=row.id,
        subject_id=row.member_a_id or row.member_b_id,
        data={"hub_link_id": row.hub_link_id, "remote": True, **data},
    )


# ---- asking (side A) --------------------------------------------------------------------


async def request(*, actor: Actor, me: Member, link: HubLink, email: str) -> AccountLink:
    """Step 1 on the asking side; `me` is the actor's verified member. Refusals write nothing."""
    from app.federation.accounts import ASK

    if link.status not in (LinkStatus.ACTIVE, LinkStatus.PAUSED):
        raise DomainError(E.LINK_NOT_ACTIVE, _("The link with that hub is not active."), "hubSlug")
    address = v.email(email, field="email", invalid=E.INVALID)
    await limits.guard(
        ASK, identity=f"remote:{link.id}:{me.id}", code=E.RATE_LIMITED, field="email"
    )
    ref = uuid.uuid4()
    try:
        async with in_transaction():
            existing = (
                await AccountLink.filter(_mine(me.id), hub_link_id=link.id)
                .exclude(status=AccountLinkStatus.REMOVING)
                .select_for_update()
                .first()
            )
            if existing is not None and (
                existing.status == AccountLinkStatus.ACTIVE or existing.member_b_id == me.id
            ):
                raise DomainError(
                    E.ALREADY_LINKED,
                    _("Your account is linked (or asked to be linked) with that hub already."),
                    "hubSlug",
                )
            if existing is not None:  # pending, asked from here: a fresh ask replaces it
                await AccountLink.filter(id=existing.id).delete()
            row = await AccountLink.create(
                hub_a_id=me.hub_id,  # type: ignore[attr-defined]
                member_a_id=me.id,
                hub_link_id=link.id,
                ref=ref,
                status=AccountLinkStatus.PENDING,
                token_hash=None,
                expires_at=_expiry(),
            )
    except IntegrityError as exc:  # the same account asked at the same moment
        raise DomainError(
            E.ALREADY_LINKED, _("Your account is linked with that hub already."), "hubSlug"
        ) from exc
    body = {"type": REQUEST, "message_id": str(ref), "pair": str(link.pair), "ref": str(ref),
            "member_id": me.id, "email": address}  # fmt: skip
    try:
        answer = await protocol.send(link, body)
    except protocol.Unreachable as exc:
        log.warning("federation: account link request %s: %s", ref, exc)
        answer = {}
    if answer.get("state") != "requested":
        await AccountLink.filter(id=row.id).delete()
        raise DomainError(
            E.PARTNER_UNREACHABLE,
            _("That hub's installation did not answer: try again later."),
            "hubSlug",
        )
    await record(row, "account_link.request", actor=actor)
    return row


# ---- receiving (either side) ------------------------------------------------------------


async def receive(link: HubLink, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A verified message about an account link across `link` (receiving.receive calls it)."""
    try:
        ref = uuid.UUID(str(body["ref"]))
        member_id = int(body["member_id"]) if kind != REMOVED else 0
    except (KeyError, ValueError, TypeError) as exc:
        raise Malformed(kind) from exc
    if kind == REQUEST:
        return await _on_request(link, ref, member_id, body)
    if kind == CONFIRMED:
        return await _on_confirmed(link, ref, member_id, body)
    if kind == REMOVED:
        return await _on_removed(link, ref)
    return await _on_hours(link, ref, member_id)


REQUESTED = {"state": "requested"}


async def _on_request(
    link: HubLink, ref: uuid.UUID, remote_member_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Side B: the same answer whatever is found; a token emailed when the email is a verified
    member's here who is not linked with that hub already."""
    from app.federation.accounts import CONFIRM_PATH, TOKEN_PREFIX, confirm_email, digest

    if not isinstance(body.get("email"), str):
        raise Malformed(REQUEST)
    if link.status not in (LinkStatus.ACTIVE, LinkStatus.PAUSED):
        return REQUESTED
    try:
        address = v.email(body["email"], field="email", invalid=E.INVALID)
    except DomainError:
        return REQUESTED
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        async with in_transaction():
            if await AccountLink.exists(hub_link_id=link.id, ref=ref):  # a repeat: done
                return REQUESTED
            member = await Member.get_or_none(hub_id=link.hub_id, email=address, erased_at=None)
            if member is None or member.email_verified_at is None:
                return REQUESTED
            try:
                await limits.guard(
                    ASKED, identity=f"{link.hub_id}:{member.id}", code=E.RATE_LIMITED
                )
            except DomainError:
                return REQUESTED
            existing = (
                await AccountLink.filter(_mine(member.id), hub_link_id=link.id)
                .exclude(status=AccountLinkStatus.REMOVING)
                .select_for_update()
                .first()
            )
            # Active, or the member's own ask to the partner waiting there: kept as it is.
            if existing is not None and (
                existing.status == AccountLinkStatus.ACTIVE or existing.member_a_id == member.id
            ):
                return REQUESTED
            if existing is not None:  # an earlier ask from the partner: the latest wins
                await AccountLink.filter(id=existing.id).delete()
            row = await AccountLink.create(
                hub_b_id=link.hub_id,
                member_b_id=member.id,
                hub_link_id=link.id,
                ref=ref,
                remote_member_id=remote_member_id,
                status=AccountLinkStatus.PENDING,
                token_hash=digest(raw),
                expires_at=_expiry(),
            )
            hub = await Hub.get(id=link.hub_id)
            url = f"{get_settings().public_url}{CONFIRM_PATH}?token={raw}"
            with i18n.use_locale(await recipient_locale(member)):
                subject, text = confirm_email(
                    display_name=member.display_name,
                    hub_name=hub.name,
                    other_hub=link.partner_name,
                    link=url,
                )
            await queue_email(to=member.email or "", subject=subject, text=text)
            await record(row, "account_link.request", actor=None)
    except IntegrityError:  # the same request twice at the same moment: one row
        return REQUESTED
    return REQUESTED


async def _on_confirmed(
    link: HubLink, ref: uuid.UUID, remote_member_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Side A: B's member confirmed; this side's ask becomes active."""
    try:
        asker = int(body["remote_member_id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise Malformed(CONFIRMED) from exc
    async with in_transaction():
        row = (
            await AccountLink.filter(
                hub_link_id=link.id, ref=ref, hub_a_id=link.hub_id, member_a_id=asker
            )
            .select_for_update()
            .first()
        )
        if row is None or row.status == AccountLinkStatus.REMOVING:
            raise Unknown(ref)
        if row.status == AccountLinkStatus.PENDING:
            await _activate(row, remote_member_id)
    return {"state": "active"}


async def _activate(row: AccountLink, remote_member_id: int) -> None:
    row.status = AccountLinkStatus.ACTIVE
    row.remote_member_id = remote_member_id
    row.confirmed_at = datetime.now(UTC)
    await row.save(update_fields=["status", "remote_member_id", "confirmed_at"])
    await record(row, "account_link.link", actor=None)


async def _on_removed(link: HubLink, ref: uuid.UUID) -> dict[str, Any]:
    """Either side: the partner removed the link; the same answer if it was unknown here."""
    async with in_transaction():
        rows = await AccountLink.filter(hub_link_id=link.id, ref=ref).select_for_update()
        for row in rows:
            await AccountLink.filter(id=row.id).delete()
            if row.status != AccountLinkStatus.REMOVING:
                await record(row, "account_link.unlink", actor=None, reason="partner")
    return {"state": "removed"}


@dataclass(frozen=True)
class Hours:
    minutes: int
    services: int
    lines: list[dict[str, Any]]


_LINES = """
SELECT o.title, sum(r.minutes)::bigint AS minutes,
       count(DISTINCT r.application_id)::int AS services, max(r.worked_on) AS last
  FROM hours_record r
  JOIN opportunity o ON o.id = r.opportunity_id AND o.hub_id = r.hub_id
 WHERE r.hub_id = $1 AND r.volunteer_id = $2 AND r.status = 'verified'
 GROUP BY o.id, o.title
 ORDER BY max(r.worked_on) DESC, o.id DESC"""


async def own_hours(*, hub_id: int, member_id: int) -> Hours:
    """A member's verified hours here: totals and the latest MAX_LINES opportunities."""
    rows = await Tortoise.get_connection("default").execute_query_dict(_LINES, [hub_id, member_id])
    lines = [
        {"title": r["title"], "minutes": int(r["minutes"]), "services": int(r["services"]),
         "last": r["last"].isoformat()}
        for r in rows[:MAX_LINES]
    ]  # fmt: skip
    return Hours(sum(int(r["minutes"]) for r in rows), sum(int(r["services"]) for r in rows), lines)


async def _on_hours(link: HubLink, ref: uuid.UUID, asker: int) -> dict[str, Any]:
    """Either side: the verified hours of this side's account, for an active link whose other
    account is the asker's; anything else is unknown (a pending link too)."""
    row = await AccountLink.get_or_none(
        hub_link_id=link.id, ref=ref, status=AccountLinkStatus.ACTIVE, remote_member_id=asker
    )
    if row is None:
        raise Unknown(ref)
    member_id = row.member_a_id or row.member_b_id
    assert member_id is not None
    hours = await own_hours(hub_id=link.hub_id, member_id=member_id)
    return {"state": "active", "member_id": member_id, "minutes": hours.minutes,
            "services": hours.services, "lines": hours.lines}  # fmt: skip


# ---- after a change here: tell the partner ------------------------------------------------


async def tell_confirmed(row: AccountLink) -> None:
    """Side B, after the confirmation committed: A is told (lost: A learns it on its fetch).
    A answers unknown when it removed the ask meanwhile: the link goes here too."""
    link = await HubLink.get(id=row.hub_link_id)
    body = {"type": CONFIRMED, "message_id": f"{CONFIRMED}:{row.ref}", "pair": str(link.pair),
            "ref": str(row.ref), "member_id": row.member_b_id,
            "remote_member_id": row.remote_member_id}  # fmt: skip
    try:
        answer = await protocol.send(link, body)
    except protocol.Unreachable as exc:
        log.warning("federation: account link %s confirmation: %s", row.ref, exc)
        return
    if answer.get("error") == UNKNOWN:
        async with in_transaction():
            gone = await AccountLink.filter(id=row.id).select_for_update().first()
            if gone is not None:
                await AccountLink.filter(id=row.id).delete()
                await record(gone, "account_link.unlink", actor=None, reason="partner")
        raise DomainError(E.NOT_FOUND, _("The other hub no longer has this link."), "token")


async def mark_removed(row: AccountLink, *, actor: Actor | None, reason: str | None) -> None:
    """In the caller's transaction: the row waits for the partner's acknowledgement."""
    await AccountLink.filter(id=row.id).update(
        status=AccountLinkStatus.REMOVING,
        remote_minutes=None,
        remote_services=None,
        remote_lines=None,
        fetched_at=None,
    )
    extra = {"reason": reason} if reason else {}
    await record(row, "account_link.unlink", actor=actor, **extra)


async def deliver_removal(row: AccountLink) -> bool:
    """Sends `account_link_removed`; the row goes once the partner acknowledged."""
    link = await HubLink.get(id=row.hub_link_id)
    body = {"type": REMOVED, "message_id": f"{REMOVED}:{row.ref}", "pair": str(link.pair),
            "ref": str(row.ref)}  # fmt: skip
    try:
        answer = await protocol.send(link, body)
    except protocol.Unreachable as exc:
        log.warning("federation: account link %s removal: %s", row.ref, exc)
        return False
    if answer.get("state") != "removed":
        return False
    await AccountLink.filter(id=row.id, status=AccountLinkStatus.REMOVING).delete()
    return True


# ---- the sync (worker cron) ---------------------------------------------------------------


def _lines(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValueError("lines")
    lines = []
    for item in raw[:MAX_LINES]:
        lines.append({
            "title": str(item["title"])[:160], "minutes": int(item["minutes"]),
            "services": int(item["services"]),
            "last": date.fromisoformat(str(item["last"])).isoformat(),
        })  # fmt: skip
    return lines


async def refresh(row: AccountLink) -> str:
    """Fetches the other account's verified hours for one link; what happened."""
    link = await HubLink.get(id=row.hub_link_id)
    mine = row.member_a_id or row.member_b_id
    body = {"type": HOURS, "message_id": str(uuid.uuid4()), "pair": str(link.pair),
            "ref": str(row.ref), "member_id": mine}  # fmt: skip
    try:
        answer = await protocol.send(link, body)
    except protocol.Unreachable as exc:
        log.warning("federation: account link %s hours: %s", row.ref, exc)
        return "unreachable"
    async with in_transaction():
        current = await AccountLink.filter(id=row.id).select_for_update().first()
        if current is None or current.status == AccountLinkStatus.REMOVING:
            return "gone"
        if answer.get("error") == UNKNOWN:
            if current.status != AccountLinkStatus.ACTIVE:
                return "pending"
            await AccountLink.filter(id=current.id).delete()  # removed there
            await record(current, "account_link.unlink", actor=None, reason="partner")
            return "dropped"
        if answer.get("state") != "active":
            return "unexpected"
        try:
            member_id, minutes = int(answer["member_id"]), int(answer["minutes"])
            services, lines = int(answer["services"]), _lines(answer.get("lines", []))
            if minutes < 0 or services < 0:
                raise ValueError("negative")
        except (KeyError, ValueError, TypeError):
            log.warning("federation: account link %s: malformed hours %r", row.ref, answer)
            return "unexpected"
        if current.remote_member_id not in (None, member_id):
            return "unexpected"
        activated = current.status == AccountLinkStatus.PENDING
        if activated:  # confirmed there; its message did not reach this side
            await _activate(current, member_id)
        await AccountLink.filter(id=current.id).update(
            remote_minutes=minutes,
            remote_services=services,
            remote_lines=lines,
            fetched_at=datetime.now(UTC),
        )
    return "activated" if activated else "fetched"


async def sync(*, limit: int = SYNC_BATCH) -> dict[str, int]:
    """The worker's job, idempotent: removals delivered, expired asks dropped, the verified
    hours of every active link (and of this side's pending asks) fetched again."""
    counts: dict[str, int] = {}

    def count(outcome: str) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1

    for row in (
        await AccountLink.filter(status=AccountLinkStatus.REMOVING).order_by("id").limit(limit)
    ):
        count("removed" if await deliver_removal(row) else "unreachable")
    counts["expired"] = await AccountLink.filter(
        hub_link_id__isnull=False,
        status=AccountLinkStatus.PENDING,
        expires_at__lt=datetime.now(UTC),
    ).delete()
    due = (
        await AccountLink.filter(hub_link_id__isnull=False)
        .filter(
            Q(status=AccountLinkStatus.ACTIVE)
            | Q(status=AccountLinkStatus.PENDING, member_a_id__isnull=False)
        )
        .order_by("id")
        .limit(limit)
    )
    for row in due:
        count(await refresh(row))
    return counts
