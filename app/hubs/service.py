"""Hubs: created by operators (CLI), read by everyone, edited by hub admins."""

import time
from enum import Enum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.credits.models import Account, AccountKind
from app.errors import DomainError
from app.hubs.errors import HubErrorCode
from app.hubs.models import Hub
from app.opportunities import categories
from app.people.models import Role

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
    (app.opportunities.categories.DEFAULT_CATEGORIES) for its admins to rename or add to."""
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
            return hub
    except IntegrityError as exc:
        raise DomainError(
            HubErrorCode.DUPLICATE_SLUG, "A hub with this slug exists.", "slug"
        ) from exc


async def get_by_slug(
    slug: str, *, code: Enum = HubErrorCode.NOT_FOUND, field: str = "hubSlug"
) -> Hub:
    """Gets a hub by slug or raises NOT_FOUND (with the caller's code and field)."""
    hub = await Hub.get_or_none(slug=slug[:60])
    if hub is None:
        raise DomainError(code, f"No hub called {slug[:60]!r}.", field)
    return hub


_IDS_BY_SLUG: dict[str, tuple[int | None, float]] = {}
ID_BY_SLUG_TTL_SECONDS = 60.0


async def id_by_slug(slug: str) -> int | None:
    """The id of the hub with this slug, or None; remembered for a minute per process (every
    anonymous request names its hub), so a renamed slug answers for up to a minute more."""
    slug = slug[:60]
    cached = _IDS_BY_SLUG.get(slug)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    hub = await Hub.filter(slug=slug).only("id").first()
    if len(_IDS_BY_SLUG) > 1000:  # unknown slugs must not grow it without bound
        _IDS_BY_SLUG.clear()
    _IDS_BY_SLUG[slug] = (hub.id if hub else None, time.monotonic() + ID_BY_SLUG_TTL_SECONDS)
    return hub.id if hub else None


async def update_hub(
    *,
    actor: Actor,
    name: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
    credit_name: str | None = None,
    member_overdraft_limit: int | None = None,
) -> Hub:
    """Changes the hub's settings (hub admins); a new overdraft limit applies to every member."""
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
    async with in_transaction():
        hub = await Hub.select_for_update().get(id=actor.hub_id)
        if changes:
            await Hub.filter(id=hub.id).update(**changes)
        if member_overdraft_limit is not None:
            await Account.filter(hub_id=hub.id, kind=AccountKind.MEMBER).update(
                overdraft_limit=member_overdraft_limit
            )
            await audit.record(actor=actor, hub_id=hub.id, action="hub.update", data=changes)
        await hub.refresh_from_db()
    return hub
