"""Guests (issue 22): a member of one hub volunteers at a partner hub of this installation.

- **Finding.** With an ACTIVE link (both sides), a member of hub A lists hub B's published
  opportunities in the link's categories (`partner_opportunities`: one statement, whose
  visibility is the policy table's PARTNER_VISIBLE, app/federation/policy.py).
- **Applying.** `apply` creates, once per person and hub (unique index `member_guest_uniq`,
  race-safe through a savepoint), a guest Member in B tied to the A member
  (`Member.home_member_id`): no email, no password, the A member's name; then applies as that
  guest through the ordinary applications service (its rules, its one statement), in the same
  transaction: a refusal writes nothing, the guest included. B's organisation reviews, accepts,
  and verifies the guest's hours as any volunteer's.
- **Acting in B.** `enter` gives the A member a session of their guest in B (an access token, no
  refresh token: enter again when it expires), with which they log hours, withdraw and read their
  applications and hours in B. The policy table lets a guest call only the operations it marks
  `guests=True` (deny by default, schema/policy.py): a guest cannot pay, post, apply directly
  (which would skip the link's checks) or anything else.
- **Earning.** When B verifies a guest's hours, the earning job (app/credits/service.py
  `earn_for_hours`) calls `earn` instead of crediting the guest's B account: B's issuance pays
  B's clearing account for A, and A's clearing account for B pays the A member, converted at the
  link's rate, within its limit (payments.transfer_across), under reference `hours:<record id>`
  in both hubs. Exactly once: one `guest_earning` row per hours record, locked. If the link
  refuses (paused, over its limit, category no longer carried, not convertible) the hours stay
  verified and the earning is HELD with the refusal's code; `release_held` pays held earnings
  when the link accepts again (called when a link is resumed or its limit raised, and by the
  credits housekeeping cron for room freed by payments the other way).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.auth import tokens
from app.auth.models import AuthSession, TokenKind
from app.credits.models import SystemAccount, Transfer, TransferKind
from app.errors import DomainError
from app.federation.errors import FederationErrorCode as E
from app.federation.links import STATUS_NAMES, other_side
from app.federation.models import GuestEarning, GuestEarningStatus, HubLink, LinkStatus
from app.federation.policy import PARTNER_VISIBLE_SQL, partner_refusal
from app.hubs.models import Hub
from app.i18n import _, n_
from app.opportunities import applications
from app.opportunities.models import Application, Category, Opportunity
from app.people.models import Member, MemberStatus, Role
from app.portfolios.models import HoursRecord

MAX_PAGE = 100


@dataclass(frozen=True)
class PartnerOpportunity:
    id: int
    kind: str
    title: str
    description: str
    category: str
    remote: bool
    area_name: str
    starts_at: datetime | None
    ends_at: datetime | None
    places_left: int
    organisation_name: str | None
    hub_name: str
    hub_slug: str


@dataclass(frozen=True)
class PartnerPage:
    rows: list[PartnerOpportunity]
    has_next: bool


# The partner's opportunities the member's hub may list: one statement whatever the page size.
_LIST = f"""
SELECT o.id, o.kind, o.title, o.description, c.slug AS category, o.remote, o.area_name,
       o.starts_at, o.ends_at, greatest(o.places - o.accepted_count, 0) AS places_left,
       org.name AS organisation_name, h.name AS hub_name, h.slug AS hub_slug
  FROM hub_link l
  JOIN hub_link t ON t.hub_id = l.partner_hub_id AND t.partner_hub_id = l.hub_id
                 AND t.pair = l.pair
  JOIN opportunity o ON o.hub_id = l.partner_hub_id
  JOIN category c ON c.id = o.category_id AND c.hub_id = o.hub_id
  JOIN hub h ON h.id = o.hub_id
  LEFT JOIN organisation org ON org.id = o.organisation_id AND org.hub_id = o.hub_id
 WHERE l.hub_id = $1 AND l.partner_slug = $2 AND {PARTNER_VISIBLE_SQL}
   AND ($3::bigint IS NULL OR o.id < $3)
 ORDER BY o.id DESC
 LIMIT $4"""

CURSOR_PREFIX = "partner:"


def cursor_of(opportunity_id: int) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{opportunity_id}".encode()).decode()


def _after_id(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        text = base64.b64decode(after, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError(E.INVALID, _("Not a valid cursor."), "after") from exc
    value = text.removeprefix(CURSOR_PREFIX)
    if not text.startswith(CURSOR_PREFIX) or not (value.isascii() and value.isdigit()):
        raise DomainError(E.INVALID, _("Not a valid cursor."), "after")
    if len(value) > 19 or int(value) >= 2**63:
        raise DomainError(E.INVALID, _("Not a valid cursor."), "after")
    return int(value)


async def partner_opportunities(
    *, actor: Actor, partner_slug: str, first: int = 20, after: str | None = None
) -> PartnerPage:
    """A page of the partner hub's opportunities the actor's hub may list, newest first; none
    without an active link (the list leaves out what the viewer may not see)."""
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(E.INVALID, _("Ask for 0 to {n} items.", n=MAX_PAGE), "first")
    after_id = _after_id(after)
    if first == 0:
        return PartnerPage([], False)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _LIST, [actor.hub_id, partner_slug.strip().lower()[:60], after_id, first + 1]
    )
    found = [PartnerOpportunity(**r) for r in rows[:first]]
    return PartnerPage(found, len(rows) > first)


def _refused(code: str, partner: str, status: LinkStatus | None) -> DomainError:
    if code == E.NO_LINK:
        return DomainError(
            E.NO_LINK, _("Your hub has no link with this opportunity's hub."), "opportunityId"
        )
    if code == E.LINK_NOT_ACTIVE:
        assert status is not None
        return DomainError(
            E.LINK_NOT_ACTIVE,
            _("Your hub's link with {partner} is {status}.", partner=partner,
              status=STATUS_NAMES[status]),
            "opportunityId",
        )  # fmt: skip
    if code == E.CATEGORY_NOT_ALLOWED:
        return DomainError(
            E.CATEGORY_NOT_ALLOWED,
            _("The link with {partner} does not carry this opportunity's category.",
              partner=partner),
            "opportunityId",
        )  # fmt: skip
    return DomainError(E.NOT_FOUND, _("No such opportunity in a partner hub."), "opportunityId")


async def _sides(home_hub_id: int, partner_hub_id: int) -> tuple[HubLink | None, HubLink | None]:
    """The home hub's row of its link with the partner, and the partner's row (unlocked)."""
    mine = await HubLink.filter(hub_id=home_hub_id, partner_hub_id=partner_hub_id).first()
    if mine is None:
        return None, None
    theirs = await HubLink.filter(
        hub_id=partner_hub_id, partner_hub_id=home_hub_id, pair=mine.pair
    ).first()
    return mine, theirs


def _require_home_member(actor: Actor) -> None:
    if actor.guest:
        raise DomainError(E.FORBIDDEN, _("A guest acts from their own hub."), None)
    if actor.member.status != MemberStatus.ACTIVE:
        raise DomainError(E.SUSPENDED, _("Your account cannot act in partner hubs."), None)


async def _guest_of(actor: Actor, hub_id: int) -> Member:
    """The actor's guest member in hub `hub_id`, created once (a concurrent first application
    waits on the unique index, then finds the winner's row)."""
    home: Member = actor.member
    found = await Member.get_or_none(hub_id=hub_id, home_member_id=home.id)
    if found is None:
        try:
            async with in_transaction():  # a savepoint: a lost race leaves the outer one usable
                found = await Member.create(
                    hub_id=hub_id,
                    home_member_id=home.id,
                    display_name=home.display_name,
                    locale=home.locale,
                )
        except IntegrityError:
            found = await Member.get(hub_id=hub_id, home_member_id=home.id)
    if found.status == MemberStatus.SUSPENDED:
        raise DomainError(E.SUSPENDED, _("You are suspended as a guest of that hub."), None)
    if found.display_name != home.display_name:
        found.display_name = home.display_name
        await found.save(update_fields=["display_name", "updated_at"])
    return found


def guest_actor(guest: Member) -> Actor:
    return Actor(member=guest, roles=frozenset({Role.MEMBER}))


async def apply(*, actor: Actor, opportunity_id: int, message: str = "") -> Application:
    """The member applies, as a guest, to a partner hub's opportunity: the link must be ACTIVE
    on both sides and carry its category, the opportunity published and not hidden. One
    transaction: a refusal (here or the applications service's) writes nothing."""
    _require_home_member(actor)
    message = v.text(
        message, field="message", max_length=2000, invalid=E.INVALID, required=False, multiline=True
    )
    opportunity = await Opportunity.get_or_none(id=opportunity_id)
    if opportunity is None:
        raise _refused(E.NOT_FOUND, "", None)
    if opportunity.hub_id == actor.hub_id:
        raise DomainError(
            E.INVALID,
            _("This opportunity is in your own hub: apply to it there (applyToOpportunity)."),
            "opportunityId",
        )
    category = await Category.get(id=opportunity.category_id)  # type: ignore[attr-defined]
    mine, theirs = await _sides(actor.hub_id, opportunity.hub_id)
    hidden = await _hidden(opportunity)
    code = partner_refusal(mine, theirs, opportunity, category.slug, hidden=hidden)
    if code is not None:
        status: LinkStatus | None = None
        if mine is not None and mine.status != LinkStatus.ACTIVE:
            status = mine.status
        elif theirs is not None:
            status = theirs.status
        raise _refused(code, mine.partner_name if mine else "", status)
    async with in_transaction():
        guest = await _guest_of(actor, opportunity.hub_id)
        application = await applications.apply(
            actor=guest_actor(guest), opportunity_id=opportunity.id, message=message
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="federation.guest_apply",
            object_type="Application",
            object_id=application.id,
            data={"partner_hub_id": opportunity.hub_id, "guest_id": guest.id},
        )
    return application


async def _hidden(opportunity: Opportunity) -> bool:
    from app.moderation.models import Target
    from app.moderation.visibility import is_hidden

    return await is_hidden(
        hub_id=opportunity.hub_id, target=Target.OPPORTUNITY, object_id=opportunity.id
    )


@dataclass(frozen=True)
class GuestSession:
    guest: Member
    hub: Hub
    access_token: str
    expires_at: datetime


async def enter(*, actor: Actor, partner_slug: str) -> GuestSession:
    """A session of the actor's guest in the partner hub (after a first application there):
    an access token for that hub, no refresh token; enter again when it expires."""
    _require_home_member(actor)
    slug = partner_slug.strip().lower()[:60]
    mine = await HubLink.filter(hub_id=actor.hub_id, partner_slug=slug).first()
    theirs = None
    if mine is not None and mine.partner_hub_id is not None:
        theirs = (await _sides(actor.hub_id, mine.partner_hub_id))[1]
    if mine is None or theirs is None or mine.status == LinkStatus.DECLINED:
        raise DomainError(E.NO_LINK, _("This hub has no link with that hub."), "partnerHubSlug")
    if mine.status != LinkStatus.ACTIVE or theirs.status != LinkStatus.ACTIVE:
        status = mine.status if mine.status != LinkStatus.ACTIVE else theirs.status
        raise DomainError(
            E.LINK_NOT_ACTIVE,
            _("The link with that hub is {status}.", status=STATUS_NAMES[status]),
            "partnerHubSlug",
        )
    guest = await Member.get_or_none(hub_id=theirs.hub_id, home_member_id=actor.member_id)
    if guest is None:
        raise DomainError(
            E.NOT_A_GUEST, _("Apply to one of that hub's opportunities first."), "partnerHubSlug"
        )
    if guest.status == MemberStatus.SUSPENDED:
        raise DomainError(E.SUSPENDED, _("You are suspended as a guest of that hub."), None)
    async with in_transaction():
        session = await AuthSession.create(
            hub_id=guest.hub_id, member_id=guest.id, user_agent="guest"
        )
        raw, row = await tokens.issue(
            kind=TokenKind.ACCESS, hub_id=guest.hub_id, member_id=guest.id, session_id=session.id
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="federation.guest_enter",
            object_type="Member",
            object_id=guest.id,
            data={"partner_hub_id": guest.hub_id},
        )
    return GuestSession(guest, await Hub.get(id=guest.hub_id), raw, row.expires_at)


async def end_sessions(*, home_member_id: int) -> None:
    """Ends the sessions of the member's guest accounts (their suspension at home), OAuth
    apps' grants and tokens included (a guest cannot consent to an app now, but one may
    predate that): inside the suspending transaction; the cached tokens are forgotten once it
    commits (OAuth tokens are not cached: app/oauth/bearer.py)."""
    from app.auth import cache as auth_cache
    from app.auth.models import AuthToken
    from app.oauth.models import OAuthGrant, OAuthToken

    ids = await Member.filter(home_member_id=home_member_id).values_list("id", flat=True)
    if not ids:
        return
    now = datetime.now(UTC)
    await AuthSession.filter(member_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    await AuthToken.filter(member_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    await OAuthGrant.filter(member_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    await OAuthToken.filter(member_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    for guest_id in ids:
        auth_cache.forget_soon(member_id=guest_id)  # type: ignore[arg-type]


async def _lock_earning(record: HoursRecord, link: HubLink, amount: int) -> GuestEarning:
    await Tortoise.get_connection("default").execute_query(
        "INSERT INTO guest_earning (hub_id, hours_record_id, link_id, status, reason, amount,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, now(), now())"
        " ON CONFLICT (hours_record_id) DO NOTHING",
        [record.hub_id, record.id, link.id, GuestEarningStatus.HELD.value, amount],
    )
    return await GuestEarning.select_for_update().get(hours_record_id=record.id)


async def earn(*, record: HoursRecord, guest: Member, hub: Hub, amount: int) -> Transfer | None:
    """Pays a guest's verified hours across the link to their home account, once; a refusal
    of the link holds the earning (reason kept) instead. Returns the home hub's transfer."""
    from app.credits import ledger
    from app.federation.payments import transfer_across

    home = await Member.get(id=guest.home_member_id)
    async with in_transaction():
        rows = await HubLink.filter(hub_id=hub.id, partner_hub_id=home.hub_id).order_by("id")
        if not rows:
            # Cannot happen: a guest is made only through an active link, and a link that was
            # ever active is never deleted (links.propose replaces declined ones only).
            raise RuntimeError(f"guest {guest.id}: no link between hubs {hub.id}, {home.hub_id}")
        locked = await other_side(rows[0]).order_by("id").select_for_update()
        mine = next(r for r in locked if r.id == rows[0].id)
        theirs = next((r for r in locked if r.id != mine.id), None)
        earning = await _lock_earning(record, mine, amount)
        if earning.status == GuestEarningStatus.PAID:
            return None
        reason = ""
        out = into = None
        opportunity = await Opportunity.get(id=record.opportunity_id)  # type: ignore[attr-defined]
        category = await Category.get(id=opportunity.category_id)  # type: ignore[attr-defined]
        # The link's state here; its categories (both sides, as for applying) in transfer_across.
        # An opportunity closed or hidden since does not undo hours already verified.
        if theirs is None or mine.status != LinkStatus.ACTIVE or theirs.status != LinkStatus.ACTIVE:
            reason = E.LINK_NOT_ACTIVE.value
        else:
            restricted = bool(mine.allowed_categories or theirs.allowed_categories)
            try:
                async with in_transaction():  # a savepoint: a refused second leg undoes the first
                    out, into = await transfer_across(
                        mine=mine,
                        theirs=theirs,
                        source=await ledger.system_account(hub.id, SystemAccount.ISSUANCE),
                        payee=home,
                        amount=amount,
                        memo=n_(
                            "{n} minute volunteered at {hub}",
                            "{n} minutes volunteered at {hub}",
                            record.minutes,
                            hub=hub.name,
                        ),
                        category=category.slug if restricted else "volunteering",
                        kind=TransferKind.EARN,
                        initiated_by=None,
                        payer_name=hub.name,
                        reference=f"hours:{record.id}",
                    )
            except DomainError as exc:
                reason = str(getattr(exc.code, "value", exc.code))
        if out is not None and into is not None:
            earning.status, earning.reason, earning.transfer_id = (
                GuestEarningStatus.PAID,
                "",
                out.id,
            )
        else:
            earning.reason = reason
        await earning.save(update_fields=["status", "reason", "transfer_id", "updated_at"])
        return into


async def release_held(*, hub_id: int, link_id: int | None = None) -> int:
    """Pays the hub's held guest earnings (of one link, or all) that the link accepts now;
    returns how many were paid. Safe to run any number of times, concurrently too."""
    query = GuestEarning.filter(hub_id=hub_id, status=GuestEarningStatus.HELD)
    if link_id is not None:
        query = query.filter(link_id=link_id)
    paid = 0
    hub = await Hub.get(id=hub_id)
    for earning in await query.order_by("id"):
        record = await HoursRecord.get(id=earning.hours_record_id)
        guest = await Member.get(id=record.volunteer_id)  # type: ignore[attr-defined]
        # What was earned at verification, whatever the hub's rate is now.
        if await earn(record=record, guest=guest, hub=hub, amount=earning.amount) is not None:
            paid += 1
    return paid


async def release_all_held() -> int:
    """The housekeeping cron's turn: every hub's held earnings that their links accept now (room
    freed under a limit by payments the other way, a category carried again); returns how many
    were paid."""
    hub_ids = (
        await GuestEarning.filter(status=GuestEarningStatus.HELD)
        .distinct()
        .values_list("hub_id", flat=True)
    )
    paid = 0
    for hub_id in hub_ids:
        paid += await release_held(hub_id=int(hub_id))  # type: ignore[call-overload]
    return paid


async def held_outcome(*, hours_record_id: int) -> GuestEarning | None:
    return await GuestEarning.get_or_none(hours_record_id=hours_record_id)
