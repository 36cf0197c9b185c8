"""Erasing a member's account: personal data removed or pseudonymised everywhere, the books
kept whole.

The member row stays, pseudonymous ("Former member", no email, password, home, birth date,
bio...): the ledger's account, the reviews they wrote, the hours and the audit log keep
pointing at it, so every sum still adds up and nobody else's history loses a side. What is
theirs alone (sessions, tokens, saved searches, notifications, exports, skills, roles) is
deleted; free text they wrote in others' records (application messages, hours notes, loan and
booking messages) is emptied; contact details they left on listings are cleared; where others'
records name them, app/gdpr/mentions.py takes the name and address out. Audit rows hold no
personal values (app/audit/service.py), so the append-only log needs no change.

Trust checks (DBS) are kept for `trust_check_retention_days` after erasure, as safeguarding
law asks, then `purge_expired_checks` (a cron) deletes them.

Open credit holds: REFUSED with OPEN_HOLDS, not settled. A hold belongs to a booking, loan,
pledge or payment with another party; settling it for them (paying, or voiding what they owe)
would change someone else's money without their say. The member (or their coordinator)
cancels or completes those first; the error says so.
"""

from datetime import UTC, datetime, timedelta

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.auth import cache as auth_cache
from app.config import get_settings
from app.credits.models import Account, Transfer, TransferStatus
from app.errors import AccessDenied, DomainError
from app.federation import accounts as linked_accounts
from app.gdpr.errors import DataRightsErrorCode as E
from app.gdpr.mentions import PSEUDONYM, Mentions, forget_mail_files
from app.gdpr.mentions import forget as forget_mentions
from app.i18n import _
from app.people.models import Member, MemberRole, Role

CONFIRMATION = "ERASE"

# Rows that are the member's alone: deleted. ($1: the member, $2: the hub.)
_DELETE = (
    "DELETE FROM member_role WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM member_skill WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM auth_token WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM auth_session WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM oauth_token WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM oauth_grant WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM calendar_feed WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM portfolio_settings WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM saved_search WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM notification WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM data_export WHERE hub_id = $2 AND member_id = $1",
    "DELETE FROM idempotency_key WHERE hub_id = $2 AND member_id = $1",
    # Following a problem report (a "me too" stays: it is counted in the report).
    "DELETE FROM problem_follower WHERE hub_id = $2 AND member_id = $1 AND NOT me_too",
)
# Others' records keep their shape; what the member wrote or left there goes.
_CLEAR = (
    "UPDATE proxy_link SET active = false"
    " WHERE hub_id = $2 AND (member_id = $1 OR coordinator_id = $1)",
    "UPDATE application SET message = '' WHERE hub_id = $2 AND applicant_id = $1",
    "UPDATE hours_record SET note = '' WHERE hub_id = $2 AND volunteer_id = $1",
    "UPDATE booking SET message = '' WHERE hub_id = $2 AND booker_id = $1",
    "UPDATE loan SET message = '' WHERE hub_id = $2 AND borrower_id = $1",
    "UPDATE giveaway_request SET message = '' WHERE hub_id = $2 AND requester_id = $1",
    "UPDATE job_application SET cover_note = '' WHERE hub_id = $2 AND member_id = $1",
    "UPDATE trial_application SET note = '' WHERE hub_id = $2 AND member_id = $1",
    "UPDATE asset SET address = '', contact_details = ''"
    " WHERE hub_id = $2 AND owner_member_id = $1",
    "UPDATE opportunity SET contact_details = '' WHERE hub_id = $2 AND poster_id = $1",
    # Where they asked for help themselves, the exact place was their own (often their home);
    # an organisation's listing keeps the organisation's place.
    "UPDATE opportunity SET address = '', lat = NULL, lng = NULL"
    " WHERE hub_id = $2 AND poster_id = $1 AND organisation_id IS NULL",
    "UPDATE trial_report SET comment = '' WHERE hub_id = $2 AND member_id = $1",
    "UPDATE success_story SET body = '' WHERE hub_id = $2 AND author_id = $1",
    "UPDATE campaign_update SET body = '' WHERE hub_id = $2 AND author_id = $1",
    # Civic voice (issue 23): a report's address was theirs to give; their own sensors (often
    # at home) are retired, their place and key forgotten (readings keep only their cell).
    "UPDATE problem_report SET address = '' WHERE hub_id = $2 AND reporter_id = $1",
    "UPDATE sensor_device SET active = false, name = '', lat = 0, lng = 0,"
    " key_hash = 'erased:' || id WHERE hub_id = $2 AND owner_id = $1 AND organisation_id IS NULL",
    # Federation (issue 22): a partner hub's transfers name them (their id beside the name);
    # the name goes. Only hubs linked with theirs hold such transfers.
    "UPDATE transfer SET data = jsonb_set(data, '{partner_member}', '\"\"'::jsonb)"
    " WHERE data->>'partner_member_id' = $1::bigint::text AND hub_id IN"
    " (SELECT partner_hub_id FROM hub_link WHERE hub_id = $2 AND partner_hub_id IS NOT NULL)",
)


async def erase_account(*, actor: Actor, confirm: str) -> Member:
    """Erases the acting member's account (a coordinator acting for a proxy member may do it
    for them). `confirm` must be "ERASE". Refused while credits are held (OPEN_HOLDS) or when
    the hub would lose its last hub admin; then nothing is written."""
    if confirm != CONFIRMATION:
        raise DomainError(
            E.INVALID, _('Type "{CONFIRMATION}" to confirm.', CONFIRMATION=CONFIRMATION), "confirm"
        )
    async with in_transaction() as conn:
        member = await Member.select_for_update().get(id=actor.member_id, hub_id=actor.hub_id)
        if actor.acted_by is not None and not member.is_proxy:
            raise AccessDenied(_("A coordinator may erase only a proxy member's account."))
        if member.erased_at is not None:
            raise DomainError(E.ALREADY_ERASED, _("This account is already erased."))
        await _refuse_open_holds(member)
        await _refuse_last_admin(member)
        email, name = member.email, member.display_name
        checks = await conn.execute_query_dict(
            "SELECT count(*) AS n FROM trust_check WHERE hub_id = $1 AND member_id = $2",
            [member.hub_id, member.id],
        )
        for sql in (*_DELETE, *_CLEAR):
            await conn.execute_query(sql, [member.id, member.hub_id])
        # Their accounts in other hubs stay theirs; the link between them goes.
        await linked_accounts.forget_member(member_id=member.id, hub_id=member.hub_id)
        mentions = Mentions(email=email, name=name)
        await forget_mentions(conn, hub_id=member.hub_id, mentions=mentions)
        # Their guest accounts in partner hubs (app/federation/guests.py) are erased with them:
        # the same rows deleted and cleared there, the name taken out; the rows stay, as here.
        guests = await Member.filter(home_member_id=member.id).select_for_update()
        for guest in guests:
            for sql in (*_DELETE, *_CLEAR):
                await conn.execute_query(sql, [guest.id, guest.hub_id])
            await forget_mentions(conn, hub_id=guest.hub_id, mentions=mentions)
            await Member.filter(id=guest.id).update(
                display_name=PSEUDONYM, locale=None, erased_at=datetime.now(UTC)
            )
        if email:  # an organisation that gave their address as its contact
            await conn.execute_query(
                "UPDATE organisation SET contact_email = ''"
                " WHERE hub_id = $1 AND lower(contact_email) = lower($2)",
                [member.hub_id, email],
            )
        now = datetime.now(UTC)
        await Member.filter(id=member.id).update(
            email=None,
            password_hash=None,
            email_verified_at=None,
            display_name=PSEUDONYM,
            bio="",
            interests=[],
            home_lat=None,
            home_lng=None,
            home_cell=None,
            availability=[],
            notification_prefs={},
            date_of_birth=None,
            erased_at=now,
            updated_at=now,
        )
        await audit.record(
            actor=actor,
            hub_id=member.hub_id,
            action="member.erase",
            object_type="Member",
            object_id=member.id,
            data={"trust_checks_kept": int(checks[0]["n"])},
        )
    await auth_cache.forget(member_id=member.id)
    for guest in guests:
        await auth_cache.forget(member_id=guest.id)
    await forget_mail_files(mentions)
    return await Member.get(id=member.id)


async def _refuse_open_holds(member: Member) -> None:
    account = await Account.get_or_none(hub_id=member.hub_id, member_id=member.id)
    if account is None:
        return
    held = (
        await Transfer.filter(
            hub_id=member.hub_id, status=TransferStatus.PENDING, source_id=account.id
        ).exists()
        or await Transfer.filter(
            hub_id=member.hub_id, status=TransferStatus.PENDING, destination_id=account.id
        ).exists()
    )
    if held:
        raise DomainError(
            E.OPEN_HOLDS,
            _(
                "Credits are held for a booking, loan, pledge or payment: complete or "
                "cancel it first, then erase the account."
            ),
        )


async def _refuse_last_admin(member: Member) -> None:
    # Every hub admin's role row locked in id order, as revoke_role does: two admins erasing
    # themselves at once queue up here.
    admins = await (
        MemberRole.filter(hub_id=member.hub_id, role=Role.HUB_ADMIN)
        .order_by("id")
        .select_for_update()
    )
    if [a.member_id for a in admins] == [member.id]:
        raise DomainError(
            E.LAST_ADMIN, _("The hub needs at least one hub admin: name another first.")
        )


async def purge_expired_checks(*, now: datetime | None = None) -> int:
    """Deletes the trust checks of members erased longer ago than the retention period."""
    days = get_settings().trust_check_retention_days
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "DELETE FROM trust_check t USING member m WHERE m.id = t.member_id"
        " AND m.erased_at IS NOT NULL AND m.erased_at <= $1 RETURNING t.id",
        [cutoff],
    )
    return len(rows)
