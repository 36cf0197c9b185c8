"""Sign-in for apps: register, verify email, log in and out, refresh, reset the password."""

import time
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import i18n
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.auth import cache as auth_cache
from app.auth import passwords, tokens
from app.auth.errors import AuthErrorCode
from app.auth.models import AuthSession, AuthToken, TokenKind
from app.budgets import limits
from app.config import get_settings
from app.errors import DomainError, ErrorBag, NotAuthenticated
from app.hubs import service as hubs
from app.hubs.models import Hub
from app.i18n import _
from app.mail import templates
from app.mail.service import queue_email, recipient_locale
from app.oauth import bearer as oauth_bearer
from app.people.models import Member, MemberRole, MemberStatus, Role

E = AuthErrorCode


async def register(
    *, hub_slug: str, email: str, password: str, display_name: str, locale: str | None = None
) -> Member:
    """Creates an unverified member of the hub and emails them a verification link (in
    `locale`, the language they chose, if given; else the hub's)."""
    hub = await hubs.get_by_slug(hub_slug, code=E.HUB_NOT_FOUND)
    bag = ErrorBag()
    with bag.catch():
        locale = _locale(locale)
    with bag.catch():
        email = v.email(email, field="email", invalid=E.INVALID)
    with bag.catch():
        passwords.check_strength(password, email=email)
    with bag.catch():
        display_name = v.text(display_name, field="displayName", max_length=80, invalid=E.INVALID)
    bag.raise_if_any()
    password_hash = passwords.hash_password(password)
    try:
        async with in_transaction():
            member = await Member.create(
                hub_id=hub.id,
                email=email,
                password_hash=password_hash,
                display_name=display_name,
                locale=locale,
            )
            await MemberRole.create(hub_id=hub.id, member_id=member.id, role=Role.MEMBER)
            await _send_verification(member)
            await audit.record(
                actor=Actor(member=member),
                hub_id=hub.id,
                action="member.register",
                object_type="Member",
                object_id=member.id,
            )
    except IntegrityError as exc:
        raise _duplicate_email() from exc
    return member


async def create_account(
    *,
    hub_slug: str,
    email: str,
    password: str,
    display_name: str,
    roles: list[Role] | None = None,
) -> Member:
    """Creates a member whose email is taken as verified (operator command, demo data)."""
    hub = await hubs.get_by_slug(hub_slug, code=E.HUB_NOT_FOUND)
    email = v.email(email, field="email", invalid=E.INVALID)
    passwords.check_strength(password, email=email)
    display_name = v.text(display_name, field="displayName", max_length=80, invalid=E.INVALID)
    try:
        async with in_transaction():
            member = await Member.create(
                hub_id=hub.id,
                email=email,
                password_hash=passwords.hash_password(password),
                display_name=display_name,
                email_verified_at=datetime.now(UTC),
            )
            for role in {Role.MEMBER, *(roles or [])}:
                await MemberRole.create(hub_id=hub.id, member_id=member.id, role=role)
            await audit.record(
                actor=None,
                hub_id=hub.id,
                action="member.create_account",
                object_type="Member",
                object_id=member.id,
                data={"roles": sorted(roles or [])},
            )
    except IntegrityError as exc:
        raise _duplicate_email() from exc
    return member


def _locale(value: str | None) -> str | None:
    if value is None:
        return None
    found = i18n.supported(value) if len(value) <= 35 else None
    if found is None:
        raise DomainError(
            E.UNSUPPORTED_LOCALE,
            _(
                "Not a language we speak: choose one of {choices}.",
                choices=", ".join(i18n.SUPPORTED),
            ),
            "locale",
        )
    return found


def _duplicate_email() -> DomainError:
    return DomainError(
        E.DUPLICATE_EMAIL, _("This email is already registered in this hub."), "email"
    )


async def _send_verification(member: Member) -> None:
    raw, _ = await tokens.issue(
        kind=TokenKind.VERIFY_EMAIL, hub_id=member.hub_id, member_id=member.id
    )  # type: ignore[attr-defined]
    link = f"{get_settings().public_url}/auth/verify-email?token={raw}"
    with i18n.use_locale(await recipient_locale(member)):
        subject, text = templates.verify_email(display_name=member.display_name, link=link)
    await queue_email(to=member.email or "", subject=subject, text=text)


async def resend_verification(*, hub_slug: str, email: str) -> None:
    """Emails a fresh link to an unverified member; silent otherwise (no account probing)."""
    hub = await hubs.get_by_slug(hub_slug, code=E.HUB_NOT_FOUND)
    email = v.email(email, field="email", invalid=E.INVALID)
    async with in_transaction():
        member = await Member.get_or_none(hub_id=hub.id, email=email)
        if member and member.email_verified_at is None and member.password_hash:
            await _send_verification(member)


async def _token(
    raw: str, kind: TokenKind, *, field: str = "token", lock: bool = True
) -> AuthToken:
    """A one-time token (row-locked unless `lock` is False): INVALID_TOKEN if unknown or
    revoked, EXPIRED_TOKEN if late; whether it was used is the caller's question."""
    if not tokens.looks_like(raw, kind):
        raise DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), field)
    query = AuthToken.filter(token_hash=tokens.digest(raw), kind=kind)
    token = await (query.select_for_update() if lock else query).first()
    if token is None or token.revoked_at:
        raise DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), field)
    if token.expires_at <= datetime.now(UTC):
        raise DomainError(E.EXPIRED_TOKEN, _("This link or token has expired."), field)
    return token


async def _use_token(raw: str, kind: TokenKind, *, field: str = "token") -> AuthToken:
    """Consumes a one-time token under a row lock: a second use is INVALID_TOKEN (checked
    before expiry: a replayed refresh token ends its session, however old)."""
    if not tokens.looks_like(raw, kind):
        raise DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), field)
    token = await AuthToken.select_for_update().get_or_none(
        token_hash=tokens.digest(raw), kind=kind
    )
    if token is None or token.used_at or token.revoked_at:
        raise DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), field)
    if token.expires_at <= datetime.now(UTC):
        raise DomainError(E.EXPIRED_TOKEN, _("This link or token has expired."), field)
    token.used_at = datetime.now(UTC)
    await token.save(update_fields=["used_at"])
    return token


class EmailLink(StrEnum):
    """What an emailed verification link would do if confirmed now."""

    CONFIRM = "confirm"  # valid: confirming verifies the address
    VERIFIED = "verified"  # the address is verified already (a second click)
    EXPIRED = "expired"
    INVALID = "invalid"


async def email_link(*, token: str) -> EmailLink:
    """The state of a verification link, changing nothing: what a GET of the link shows (mail
    scanners and link previews open links; only the member's confirmation may use it)."""
    try:
        row = await _token(token, TokenKind.VERIFY_EMAIL, lock=False)
        member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
    except DomainError as exc:
        return EmailLink.EXPIRED if exc.code == E.EXPIRED_TOKEN else EmailLink.INVALID
    if member.email_verified_at is not None:
        return EmailLink.VERIFIED
    return EmailLink.INVALID if row.used_at else EmailLink.CONFIRM


async def verify_email(*, token: str) -> Member:
    """Marks the member's email as verified. A link that was used already, still within its
    lifetime, answers the same for a verified address (a second click is not an error)."""
    async with in_transaction():
        row = await _token(token, TokenKind.VERIFY_EMAIL)
        member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
        if row.used_at:
            if member.email_verified_at is None:
                raise DomainError(E.INVALID_TOKEN, _("This link or token is not valid."), "token")
            return member
        row.used_at = datetime.now(UTC)
        await row.save(update_fields=["used_at"])
        if member.email_verified_at is None:
            member.email_verified_at = datetime.now(UTC)
            await member.save(update_fields=["email_verified_at", "updated_at"])
    return member


async def login(
    *, hub_slug: str, email: str, password: str, user_agent: str = ""
) -> tuple[Member, str, str]:
    """Checks the password and opens a session; returns the member, access and refresh tokens."""
    hub = await hubs.get_by_slug(hub_slug, code=E.HUB_NOT_FOUND)
    member = await verify_credentials(hub_id=hub.id, email=email, password=password)
    async with in_transaction():
        if member.password_hash and passwords.needs_rehash(member.password_hash):
            member.password_hash = passwords.hash_password(password)
            await member.save(update_fields=["password_hash", "updated_at"])
        access, refresh = await open_session(member=member, user_agent=user_agent)
    return member, access, refresh


async def verify_credentials(*, hub_id: int, email: str, password: str) -> Member:
    """The verified, active member of the hub with this email and password (sign-in, the
    OAuth consent page), or INVALID_CREDENTIALS / ACCOUNT_SUSPENDED / EMAIL_NOT_VERIFIED;
    RATE_LIMITED after too many tries for the account or from the address."""
    await limits.guard(
        limits.SIGN_IN, identity=f"{hub_id}:{email.strip().lower()[:256]}", code=E.RATE_LIMITED
    )
    try:
        email = v.email(email, field="email", invalid=E.INVALID)
    except DomainError:
        email = ""
    member = await Member.get_or_none(hub_id=hub_id, email=email) if email else None
    ok = passwords.verify_password(member.password_hash if member else None, password[:256])
    if member is None or not ok:
        raise DomainError(E.INVALID_CREDENTIALS, _("Wrong email or password."), None)
    if member.status == MemberStatus.SUSPENDED:
        raise DomainError(E.ACCOUNT_SUSPENDED, _("This account is suspended."), None)
    if member.email_verified_at is None:
        raise DomainError(
            E.EMAIL_NOT_VERIFIED, _("Verify your email address first: we sent you a link."), "email"
        )
    return member


async def open_session(*, member: Member, user_agent: str = "") -> tuple[str, str]:
    """A new session for a member whose identity is already established; its token pair."""
    session = await AuthSession.create(
        hub_id=member.hub_id,  # type: ignore[attr-defined]
        member_id=member.id,
        user_agent=user_agent[:200],
    )
    return await _issue_pair(member, session.id)


async def _issue_pair(member: Member, session_id: int) -> tuple[str, str]:
    hub_id: int = member.hub_id  # type: ignore[attr-defined]
    access, _ = await tokens.issue(
        kind=TokenKind.ACCESS, hub_id=hub_id, member_id=member.id, session_id=session_id
    )
    refresh, _ = await tokens.issue(
        kind=TokenKind.REFRESH, hub_id=hub_id, member_id=member.id, session_id=session_id
    )
    return access, refresh


async def refresh(*, refresh_token: str) -> tuple[Member, str, str]:
    """Rotates a refresh token. Reusing a spent one revokes the whole session (token theft)."""
    try:
        return await _rotate(refresh_token)
    except DomainError as exc:
        if exc.code == E.INVALID_TOKEN:
            await _revoke_if_reused(refresh_token)
        raise


async def _rotate(refresh_token: str) -> tuple[Member, str, str]:
    async with in_transaction():
        row = await _use_token(refresh_token, TokenKind.REFRESH, field="refreshToken")
        session = await AuthSession.get(id=row.session_id)  # type: ignore[attr-defined]
        if session.revoked_at:
            raise DomainError(E.INVALID_TOKEN, _("This session has ended."), "refreshToken")
        member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
        if member.status == MemberStatus.SUSPENDED:
            raise DomainError(E.ACCOUNT_SUSPENDED, _("This account is suspended."), None)
        access, new_refresh = await _issue_pair(member, session.id)
    return member, access, new_refresh


async def _revoke_if_reused(raw: str) -> None:
    if not tokens.looks_like(raw, TokenKind.REFRESH):
        return
    spent = await AuthToken.get_or_none(token_hash=tokens.digest(raw), used_at__isnull=False)
    if spent is not None and spent.session_id:  # type: ignore[attr-defined]
        await _revoke_sessions(session_ids=[spent.session_id])  # type: ignore[attr-defined]
        await auth_cache.forget(member_id=spent.member_id)  # type: ignore[attr-defined]


async def _revoke_sessions(*, session_ids: list[int]) -> None:
    now = datetime.now(UTC)
    await AuthSession.filter(id__in=session_ids, revoked_at__isnull=True).update(revoked_at=now)
    await AuthToken.filter(session_id__in=session_ids, revoked_at__isnull=True).update(
        revoked_at=now
    )


async def logout(*, actor: Actor) -> None:
    """Ends the current session: its access and refresh tokens stop working at once."""
    if actor.session_id is None:
        return
    async with in_transaction():
        await _revoke_sessions(session_ids=[actor.session_id])
    await auth_cache.forget(member_id=actor.member_id)


async def request_password_reset(*, hub_slug: str, email: str) -> None:
    """Emails a reset link if the account exists; answers the same either way."""
    hub = await hubs.get_by_slug(hub_slug, code=E.HUB_NOT_FOUND)
    email = v.email(email, field="email", invalid=E.INVALID)
    await limits.guard(limits.PASSWORD_RESET, identity=f"{hub.id}:{email}", code=E.RATE_LIMITED)
    async with in_transaction():
        member = await Member.get_or_none(hub_id=hub.id, email=email)
        if member is None or member.password_hash is None:
            return
        raw, _ = await tokens.issue(
            kind=TokenKind.RESET_PASSWORD, hub_id=hub.id, member_id=member.id
        )
        link = f"{get_settings().public_url}/auth/reset-password?token={raw}"
        with i18n.use_locale(await recipient_locale(member)):
            subject, text = templates.reset_password(display_name=member.display_name, link=link)
        await queue_email(to=email, subject=subject, text=text)


async def reset_password(*, token: str, new_password: str) -> Member:
    """Sets a new password from a reset link and signs the member out everywhere."""
    async with in_transaction():
        row = await _use_token(token, TokenKind.RESET_PASSWORD)
        member = await Member.select_for_update().get(id=row.member_id)  # type: ignore[attr-defined]
        passwords.check_strength(new_password, email=member.email, field="newPassword")
        member.password_hash = passwords.hash_password(new_password)
        # Following the emailed link proves the address too.
        member.email_verified_at = member.email_verified_at or datetime.now(UTC)
        await member.save(update_fields=["password_hash", "email_verified_at", "updated_at"])
        sessions = await AuthSession.filter(
            member_id=member.id, revoked_at__isnull=True
        ).values_list("id", flat=True)
        await _revoke_sessions(session_ids=list(sessions))  # type: ignore[arg-type]
        await audit.record(
            actor=Actor(member=member),
            hub_id=member.hub_id,  # type: ignore[attr-defined]
            action="member.password_reset",
            object_type="Member",
            object_id=member.id,
        )
    await auth_cache.forget(member_id=member.id)
    return member


async def authenticate(raw: str, *, guests: bool = False) -> Actor:
    """Resolves a bearer access token to the acting member, or raises NotAuthenticated.

    A guest's token (a partner hub's member acting here, app/federation/guests.py) is refused
    unless the caller opts in with `guests=True`: only the GraphQL API does, where the policy
    table lets a guest call the operations it marks for guests (deny by default elsewhere:
    Open311, the city data feed, the OAuth consent page).

    A token seen within CH_AUTH_CACHE_SECONDS costs no statement (app/auth/cache.py says what
    ends an entry); otherwise one statement reads the token, its member, the member's hub
    (the API needs its trusted-documents flag) and roles together."""
    actor = await _authenticate(raw)
    if actor.guest and not guests:
        raise NotAuthenticated(_("A guest of this hub cannot sign in here."))
    return actor


async def _authenticate(raw: str) -> Actor:
    if oauth_bearer.is_access_token(raw):
        return await oauth_bearer.authenticate(raw)  # never a guest's
    if not tokens.looks_like(raw, TokenKind.ACCESS):
        raise NotAuthenticated(_("The access token is not valid."))
    token_digest = tokens.digest(raw)
    entry = auth_cache.get(token_digest)
    if entry is None:
        entry = await _load_token(token_digest)
        if entry is None:
            raise NotAuthenticated(_("The access token is not valid."))
        auth_cache.put(token_digest, entry)
    if entry.expires_at <= datetime.now(UTC):
        raise NotAuthenticated(_("The access token has expired: refresh it."))
    if entry.member["status"] == MemberStatus.SUSPENDED:
        raise NotAuthenticated(_("This account is suspended."))
    if entry.models is None:
        member, hub = Member._init_from_db(**entry.member), Hub._init_from_db(**entry.hub)
    else:  # copies: a few microseconds where building from the rows takes tens
        member, hub = _fresh(entry.models[0]), _fresh(entry.models[1])
    member.hub = hub
    return Actor(
        member=member,
        roles=frozenset(Role(r) for r in entry.roles),
        session_id=entry.session_id,
    )


ModelT = TypeVar("ModelT")


def _fresh(prototype: ModelT) -> ModelT:
    """A model object of its own with the prototype's field values (all immutable: text,
    numbers, dates, enums), as Tortoise's _init_from_db leaves it."""
    model = prototype.__class__.__new__(prototype.__class__)
    model.__dict__.update(prototype.__dict__)
    model.__dict__["_await_when_save"] = {}
    return model


@cache
def _token_sql() -> str:
    def columns(model: Any, alias: str) -> str:
        names = sorted(model._meta.db_fields)
        return ", ".join(f'{alias}."{c}" AS "{alias}__{c}"' for c in names)

    return (
        f"SELECT t.session_id, t.expires_at, {columns(Member, 'm')}, {columns(Hub, 'h')},"
        " ARRAY(SELECT r.role FROM member_role r WHERE r.member_id = m.id"
        " AND r.hub_id = m.hub_id ORDER BY r.role) AS roles"
        " FROM auth_token t JOIN member m ON m.id = t.member_id JOIN hub h ON h.id = m.hub_id"
        " WHERE t.token_hash = $1 AND t.kind = $2 AND t.revoked_at IS NULL"
    )


async def _load_token(token_digest: str) -> auth_cache.Entry | None:
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict(_token_sql(), [token_digest, TokenKind.ACCESS])
    if not rows:
        return None
    row = rows[0]
    member = {k[3:]: v for k, v in row.items() if k.startswith("m__")}
    hub = {k[3:]: v for k, v in row.items() if k.startswith("h__")}
    return auth_cache.Entry(
        member=member,
        hub=hub,
        models=(Member._init_from_db(**member), Hub._init_from_db(**hub)),
        roles=tuple(str(r) for r in row["roles"]),
        session_id=row["session_id"],
        expires_at=row["expires_at"],
        until=time.monotonic() + auth_cache.ttl_seconds(),
    )
