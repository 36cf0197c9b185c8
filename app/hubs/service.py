"""Hubs: created by operators (CLI), read by everyone, edited by hub admins."""

import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.auth import cache as auth_cache
from app.badges import service as badges
from app.credits.models import Account, AccountKind
from app.errors import DomainError
from app.hubs.errors import HubErrorCode
from app.hubs.models import Hub
from app.i18n import _
from app.mail.service import forget_hub_locale
from app.opendata.licences import LICENCES
from app.opportunities import categories
from app.people.models import Role
from app.privacy import MAX_K, MIN_K

LOCALE_MAX = 20


async def create_hub(
    *,
    name: str,
    slug: str,
    timezone: str = "Europe/London",
    locale: str = "en-GB",
    credit_name: str = "credit",
    credits_per_hour: int = 60,
) -> Hub:
    """Creates a hub (operator command), with the default opportunity categories
    (app.opportunities.categories.DEFAULT_CATEGORIES) and badges and levels
    (app.badges.defaults) for its admins to rename or add to."""
    bad = HubErrorCode.INVALID
    fields: dict[str, Any] = {
        "name": v.text(name, field="name", max_length=120, invalid=bad),
        "slug": v.slug(slug, field="slug", invalid=bad),
        "timezone": v.timezone(timezone, field="timezone", invalid=bad),
        "locale": v.text(locale, field="locale", max_length=LOCALE_MAX, invalid=bad),
        "credit_name": v.text(credit_name, field="creditName", max_length=40, invalid=bad),
        "credits_per_hour": v.int_range(
            credits_per_hour, field="creditsPerHour", low=1, high=100_000, invalid=bad
        ),
    }
    try:
        async with in_transaction():
            hub = await Hub.create(**fields)
            await categories.create_defaults(hub.id)
            await badges.ensure_defaults(hub.id)
            return hub
    except IntegrityError as exc:
        raise DomainError(
            HubErrorCode.DUPLICATE_SLUG, _("A hub with this slug exists."), "slug"
        ) from exc


async def get_by_slug(
    slug: str, *, code: Enum = HubErrorCode.NOT_FOUND, field: str = "hubSlug"
) -> Hub:
    """Gets a hub by slug or raises NOT_FOUND (with the caller's code and field)."""
    hub = await Hub.get_or_none(slug=slug[:60])
    if hub is None:
        raise DomainError(code, _("No hub called {slug!r}.", slug=slug[:60]), field)
    return hub


@dataclass(frozen=True)
class HubRef:
    """What every anonymous request needs of the hub it names with CH-Hub."""

    id: int
    trusted_documents_only: bool
    locale: str = "en-GB"


_IDS_BY_SLUG: dict[str, tuple[HubRef | None, float]] = {}
ID_BY_SLUG_TTL_SECONDS = 60.0


async def ref_by_slug(slug: str) -> HubRef | None:
    """The hub with this slug, or None; remembered for a minute per process (every anonymous
    request names its hub), so a renamed slug or a changed setting answers for up to a minute
    more (at once in the process that changed it)."""
    slug = slug[:60]
    cached = _IDS_BY_SLUG.get(slug)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    hub = await Hub.filter(slug=slug).only("id", "trusted_documents_only", "locale").first()
    if len(_IDS_BY_SLUG) > 1000:  # unknown slugs must not grow it without bound
        _IDS_BY_SLUG.clear()
    ref = HubRef(hub.id, hub.trusted_documents_only, hub.locale) if hub else None
    _IDS_BY_SLUG[slug] = (ref, time.monotonic() + ID_BY_SLUG_TTL_SECONDS)
    return ref


async def id_by_slug(slug: str) -> int | None:
    """The id of the hub with this slug, or None (remembered: see ref_by_slug)."""
    ref = await ref_by_slug(slug)
    return ref.id if ref else None


async def update_hub(
    *,
    actor: Actor,
    name: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
    credit_name: str | None = None,
    member_overdraft_limit: int | None = None,
    trusted_documents_only: bool | None = None,
    privacy_k: int | None = None,
    ratings_cell_resolution: int | None = None,
    open_data_licence: str | None = None,
) -> Hub:
    """Changes the hub's settings (hub admins).

    A new overdraft limit applies to every member's account at once, to new debt only: a
    member who already owes more than a lowered limit keeps that debt (history is not
    rewritten) and may receive credits, but cannot spend until back within the limit
    (app/credits/ledger.py). The audit event counts the members who owe more.
    `trusted_documents_only` applies at once to signed-in requests (the flag comes with the
    access token's member), and to anonymous ones within ID_BY_SLUG_TTL_SECONDS."""
    actor.require_role(Role.HUB_ADMIN)
    bad = HubErrorCode.INVALID
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = v.text(name, field="name", max_length=120, invalid=bad)
    if timezone is not None:
        changes["timezone"] = v.timezone(timezone, field="timezone", invalid=bad)
    if locale is not None:
        changes["locale"] = v.text(locale, field="locale", max_length=LOCALE_MAX, invalid=bad)
    if credit_name is not None:
        changes["credit_name"] = v.text(credit_name, field="creditName", max_length=40, invalid=bad)
    if member_overdraft_limit is not None:
        changes["member_overdraft_limit"] = v.int_range(
            member_overdraft_limit,
            field="memberOverdraftLimit",
            low=0,
            high=1_000_000,
            invalid=bad,
        )
    if trusted_documents_only is not None:
        changes["trusted_documents_only"] = bool(trusted_documents_only)
    if privacy_k is not None:  # k of every aggregate (app/privacy.py)
        changes["privacy_k"] = v.int_range(
            privacy_k, field="privacyK", low=MIN_K, high=MAX_K, invalid=bad
        )
    if ratings_cell_resolution is not None:
        changes["ratings_cell_resolution"] = v.int_range(
            ratings_cell_resolution, field="ratingsCellResolution", low=5, high=7, invalid=bad
        )
    if open_data_licence is not None:  # the licence every open data feed states
        if open_data_licence not in LICENCES:
            raise DomainError(
                bad,
                _(
                    "Not a licence open data can be published under here: one of {names}.",
                    names=", ".join(sorted(LICENCES)),
                ),
                "openDataLicence",
            )
        changes["open_data_licence"] = open_data_licence
    async with in_transaction():
        hub = await Hub.select_for_update().get(id=actor.hub_id)
        if changes:
            await Hub.filter(id=hub.id).update(**changes)
        data = dict(changes)
        if "member_overdraft_limit" in changes:
            limit = changes["member_overdraft_limit"]
            await Account.filter(hub_id=hub.id, kind=AccountKind.MEMBER).update(
                overdraft_limit=limit
            )
            rows = await Tortoise.get_connection("default").execute_query_dict(
                "SELECT count(*)::int AS n FROM account WHERE hub_id = $1 AND kind = $2"
                " AND balance - held < -$3::bigint",
                [hub.id, AccountKind.MEMBER.value, limit],
            )
            data["members_owing_more"] = rows[0]["n"]
        if changes.keys() & {
            "member_overdraft_limit",
            "trusted_documents_only",
            "privacy_k",
            "ratings_cell_resolution",
            "open_data_licence",
        }:
            await audit.record(actor=actor, hub_id=hub.id, action="hub.update", data=data)
        await hub.refresh_from_db()
    if changes:  # signed-in requests read the hub with their token (app/auth/cache.py)
        await auth_cache.forget(hub_id=hub.id)
    if trusted_documents_only is not None or locale is not None:
        # anonymous requests and emails of this process see it now (others within a minute)
        for slug, (ref, _until) in list(_IDS_BY_SLUG.items()):
            if ref is not None and ref.id == hub.id:
                _IDS_BY_SLUG.pop(slug, None)
        forget_hub_locale(hub.id)
    return hub
