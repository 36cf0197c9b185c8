"""Links with hubs on other installations: agreed by both hubs' admins out of band.

The proposing admin connects first (a new link `pair`, this side's key pair; the public key
and the pair go to the partner's admin with this installation's URL); the partner's admin
connects with them (its own key pair) and its public key comes back; the proposer completes
the link with it. A side is ACTIVE once it holds the partner's public key. The private key
stays in this side's row (`data`), the partner's public key beside it.
"""

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.config import get_settings
from app.errors import DomainError
from app.federation import rates, signing
from app.federation.errors import FederationErrorCode as E
from app.federation.links import (
    _open_clearing,
    both_sides,
    check_categories,
    check_limit,
    require_hub_admin,
)
from app.federation.models import HubLink, LinkStatus
from app.i18n import _
from app.integrations import urls
from app.validation import text


def key_id(link: HubLink, signer_slug: str) -> str:
    """The key id a side signs with: the link and the signing hub."""
    return f"{link.pair}:{signer_slug}"


async def check_partner_url(url: str) -> str:
    """An http(s) URL whose host is no private, loopback or link-local address (SSRF: the
    server posts signed messages there), unless CH_FEDERATION_ALLOWED_HOSTS allows it."""
    try:
        url = urls.check_syntax(url, "partnerUrl")
        await urls.check_destination(
            url, "partnerUrl", allowed=get_settings().federation_allowed_hosts
        )
    except DomainError as exc:
        code = E.UNSAFE_URL if exc.code.name == "UNSAFE_URL" else E.INVALID
        raise DomainError(code, exc.message, "partnerUrl") from exc
    return url


def _check_key(partner_key: str) -> None:
    try:
        signing.public_key(partner_key)
    except signing.BadSignature as exc:
        raise DomainError(
            E.INVALID, _("This is not a partner's public key."), "partnerKey"
        ) from exc


def _pair(pair: uuid.UUID | str | None) -> uuid.UUID | None:
    """The link id the partner's admin gave (their `connect` printed it), checked."""
    if pair is None or isinstance(pair, uuid.UUID):
        return pair
    try:
        return uuid.UUID(pair)
    except ValueError as exc:
        raise DomainError(E.INVALID, _("This is not a link id."), "pair") from exc


async def connect(
    *,
    actor: Actor,
    partner_slug: str,
    partner_name: str,
    partner_url: str,
    pair: uuid.UUID | str | None = None,
    partner_key: str | None = None,
    rate_numerator: int = 1,
    rate_denominator: int = 1,
    credit_limit: int = 0,
    categories: list[str] | None = None,
) -> tuple[HubLink, str]:
    """This side of a link with a hub elsewhere; returns it and this side's public key."""
    require_hub_admin(actor)
    numerator, denominator = rates.reduced(rate_numerator, rate_denominator)
    check_limit(credit_limit, "creditLimit")
    allowed = check_categories(categories or [])
    slug = text(partner_slug, field="partnerHubSlug", max_length=60, invalid=E.INVALID).lower()
    name = text(partner_name, field="partnerName", max_length=120, invalid=E.INVALID)
    partner_url = await check_partner_url(partner_url)
    if partner_key is not None:
        _check_key(partner_key)
    pair = _pair(pair)
    private, public = signing.new_key_pair()
    data: dict[str, Any] = {
        "url": partner_url.rstrip("/"),
        "partner_key": partner_key,
        "own_key": private,
        "own_public": public,
    }
    async with in_transaction():
        if await HubLink.exists(hub_id=actor.hub_id, partner_slug=slug):
            raise DomainError(E.ALREADY_LINKED, _("A link with that hub exists."), "partnerHubSlug")
        if pair is not None and await HubLink.exists(pair=pair):
            raise DomainError(E.ALREADY_LINKED, _("A link with that pair exists."), "pair")
        link = await HubLink.create(
            hub_id=actor.hub_id,
            partner_hub_id=None,
            partner_name=name,
            partner_slug=slug,
            pair=pair or uuid.uuid4(),
            status=LinkStatus.ACTIVE if partner_key else LinkStatus.PROPOSED,
            rate_numerator=numerator,
            rate_denominator=denominator,
            credit_limit=credit_limit,
            allowed_categories=allowed,
            proposed_by_id=actor.member_id,
            data=data,
        )
        if partner_key:
            await _open_clearing(link)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="federation.connect",
            object_type="HubLink",
            object_id=link.id,
            data={"pair": str(link.pair), "remote": True},
        )
    return link, public


async def complete(*, actor: Actor, link_id: int, partner_key: str) -> HubLink:
    """The proposing side receives the partner's public key: the link is active."""
    require_hub_admin(actor)
    _check_key(partner_key)
    async with in_transaction():
        mine, _theirs = await both_sides(actor, link_id)
        if mine.status != LinkStatus.PROPOSED or mine.partner_hub_id is not None:
            raise DomainError(E.NOT_PENDING, _("This link is not waiting for a key."), "linkId")
        mine.data = {**mine.data, "partner_key": partner_key}
        mine.status = LinkStatus.ACTIVE
        await mine.save(update_fields=["data", "status", "updated_at"])
        await _open_clearing(mine)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="federation.accept",
            object_type="HubLink",
            object_id=mine.id,
            data={"pair": str(mine.pair), "remote": True},
        )
    return mine


async def seal_keys() -> int:
    """Encrypts every link's private key stored before CH_FEDERATION_KEY_PASSPHRASE was set;
    returns how many (0 without a passphrase). Each row is locked and sealed once."""
    sealed = 0
    async with in_transaction():
        for link in await HubLink.filter(partner_hub_id=None).select_for_update():
            own = link.data.get("own_key")
            new = signing.seal(own) if own else None
            if new is not None:
                link.data = {**link.data, "own_key": new}
                await link.save(update_fields=["data"])
                sealed += 1
    return sealed
