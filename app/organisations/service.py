"""Organisations: public profiles in a hub, and the people who run them (owners, admins, staff).

Rules, written once here:
- any verified member may create an organisation and becomes its first owner;
- owners and admins edit the profile and manage staff and admins; only owners make or unmake
  owners; anybody may leave; the last owner can never be removed or demoted;
- membership lists are visible to the organisation's own people and to hub admins;
- everything is read and written within the actor's hub.
"""

from collections.abc import Sequence
from itertools import count
from typing import Any, Literal
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.organisations.errors import OrganisationErrorCode
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
)
from app.people.models import Member, MemberStatus, Role

E = OrganisationErrorCode
Owner, Admin, Staff = OrganisationRole.OWNER, OrganisationRole.ADMIN, OrganisationRole.STAFF
MANAGERS = frozenset({Owner, Admin})

NAME_MAX = 120
DESCRIPTION_MAX = 5000
WEBSITE_MAX = 300
AREA_MAX = 120
SEARCH_MAX = 120
_SLUG_CONSTRAINT = "organisation_hub_slug_uniq"
_MEMBER_CONSTRAINT = "organisation_member_uniq"


# --- profiles -------------------------------------------------------------------------------


async def create_organisation(
    *,
    actor: Actor,
    name: str,
    kind: str,
    slug: str | None = None,
    description: str = "",
    website: str = "",
    contact_email: str = "",
    area: str = "",
    contact_email_public: bool = False,
) -> Organisation:
    """Creates an organisation in the actor's hub; the actor (a verified member) owns it.
    `contact_email_public`: everyone may see its contact email (else signed-in members)."""
    if actor.member.email_verified_at is None:
        raise DomainError(E.FORBIDDEN, _("Verify your email address before creating one."))
    bag = ErrorBag()
    fields = _clean_profile(
        bag,
        name=name,
        kind=kind,
        slug=slug or None,
        description=description,
        website=website,
        contact_email=contact_email,
        area=area,
    )
    bag.raise_if_any()
    fields["contact_email_public"] = bool(contact_email_public)
    explicit_slug = fields.pop("slug", None)
    for attempt in count(1):
        try:
            async with in_transaction():
                if explicit_slug is not None:
                    await _require_free_slug(actor.hub_id, explicit_slug)
                chosen = explicit_slug or await _free_slug(actor.hub_id, v.slugify(fields["name"]))
                org = await Organisation.create(hub_id=actor.hub_id, slug=chosen, **fields)
                await OrganisationMember.create(
                    hub_id=actor.hub_id,
                    organisation_id=org.id,
                    member_id=actor.member_id,
                    role=Owner,
                )
                await audit.record(
                    actor=actor,
                    hub_id=actor.hub_id,
                    action="organisation.create",
                    object_type="Organisation",
                    object_id=org.id,
                    data={"slug": chosen, "name": org.name, "kind": org.kind.value},
                )
            return org
        except IntegrityError as exc:
            # Two creations raced for the same generated slug: pick again (a few times).
            if _SLUG_CONSTRAINT not in str(exc):
                raise
            if explicit_slug is not None or attempt >= 3:
                raise _duplicate_slug() from exc
    raise AssertionError("unreachable")  # pragma: no cover


async def update_organisation(
    *,
    actor: Actor,
    organisation_id: int,
    name: str | None = None,
    slug: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    website: str | None = None,
    contact_email: str | None = None,
    area: str | None = None,
    contact_email_public: bool | None = None,
) -> Organisation:
    """Changes the given profile fields (None: unchanged; "" clears an optional one)."""
    bag = ErrorBag()
    changes = _clean_profile(
        bag,
        name=name,
        kind=kind,
        slug=slug,
        description=description,
        website=website,
        contact_email=contact_email,
        area=area,
    )
    bag.raise_if_any()
    if contact_email_public is not None:
        changes["contact_email_public"] = bool(contact_email_public)
    try:
        async with in_transaction():
            org = await _lock(actor, organisation_id)
            await _require_role(actor, org, MANAGERS, _("Only its owners and admins can edit it."))
            changes = {k: val for k, val in changes.items() if getattr(org, k) != val}
            if "slug" in changes:
                await _require_free_slug(actor.hub_id, changes["slug"])
            if changes:
                await Organisation.filter(id=org.id, hub_id=actor.hub_id).update(**changes)
                await audit.record(
                    actor=actor,
                    hub_id=actor.hub_id,
                    action="organisation.update",
                    object_type="Organisation",
                    object_id=org.id,
                    data={k: str(val) for k, val in changes.items()},
                )
                await org.refresh_from_db()
    except IntegrityError as exc:
        if _SLUG_CONSTRAINT not in str(exc):
            raise
        raise _duplicate_slug() from exc
    return org


def _clean_profile(bag: ErrorBag, **given: str | None) -> dict[str, Any]:
    """Validates the given (non-None) profile fields; model field name -> clean value."""
    checks = {
        "name": lambda s: v.text(s, field="name", max_length=NAME_MAX, invalid=E.INVALID),
        "slug": lambda s: v.slug(s, field="slug", invalid=E.INVALID),
        "kind": lambda s: _kind(s),
        "description": lambda s: v.text(
            s,
            field="description",
            max_length=DESCRIPTION_MAX,
            invalid=E.INVALID,
            required=False,
            multiline=True,
        ),
        "website": _website,
        "contact_email": lambda s: (
            v.email(s, field="contactEmail", invalid=E.INVALID) if s.strip() else ""
        ),
        "area": lambda s: v.text(
            s, field="area", max_length=AREA_MAX, invalid=E.INVALID, required=False
        ),
    }
    clean: dict[str, Any] = {}
    for key, value in given.items():
        if value is not None:
            with bag.catch():
                clean[key] = checks[key](value)
    return clean


def _kind(value: str) -> OrganisationKind:
    try:
        return OrganisationKind(value)
    except ValueError as exc:
        kinds = ", ".join(k.value for k in OrganisationKind)
        raise DomainError(E.INVALID, _("Choose one of: {kinds}.", kinds=kinds), "kind") from exc


def _website(value: str) -> str:
    """An absolute http(s) address with a host and no user name (or ""), at most 300 chars."""
    value = v.text(
        value, field="website", max_length=WEBSITE_MAX, invalid=E.INVALID, required=False
    )
    if not value:
        return ""
    bad = DomainError(E.INVALID, _("Use a full web address, e.g. https://example.org."), "website")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:
        raise bad from exc
    if (
        parts.scheme.lower() not in {"http", "https"}
        or not host
        or "@" in parts.netloc
        or any(c.isspace() for c in value)
    ):
        raise bad
    return value


async def _free_slug(hub_id: int, base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free in the hub."""
    taken = set(
        await Organisation.filter(hub_id=hub_id, slug__startswith=base[:50]).values_list(
            "slug", flat=True
        )
    )
    for n in count(1):
        suffix = "" if n == 1 else f"-{n}"
        candidate = base[: 60 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


async def _require_free_slug(hub_id: int, slug: str) -> None:
    if await Organisation.filter(hub_id=hub_id, slug=slug).exists():
        raise _duplicate_slug()


def _duplicate_slug() -> DomainError:
    return DomainError(
        E.DUPLICATE_SLUG, _("Another organisation in this hub has this slug."), "slug"
    )


# --- members and roles ----------------------------------------------------------------------


async def add_member(
    *, actor: Actor, organisation_id: int, member_id: int, role: str
) -> OrganisationMember:
    """Adds a member of the hub to the organisation (owners and admins; owners add owners)."""
    new_role = _role(role)
    try:
        async with in_transaction():
            org = await _lock(actor, organisation_id)
            mine = await _require_role(
                actor, org, MANAGERS, _("Only its owners and admins can add people.")
            )
            _require_owner_for(mine, new_role)
            member = await Member.get_or_none(id=member_id, hub_id=actor.hub_id)
            if member is None:
                raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "memberId")
            if member.status != MemberStatus.ACTIVE:
                raise DomainError(E.INVALID, _("This member's account is suspended."), "memberId")
            if await _membership(org, member_id) is not None:
                raise _already_member()
            membership = await OrganisationMember.create(
                hub_id=actor.hub_id, organisation_id=org.id, member_id=member_id, role=new_role
            )
            await _audit_membership(actor, org, "organisation.member_add", member_id, new_role)
    except IntegrityError as exc:
        if _MEMBER_CONSTRAINT not in str(exc):
            raise
        raise _already_member() from exc
    return membership


async def change_member_role(
    *, actor: Actor, organisation_id: int, member_id: int, role: str
) -> OrganisationMember:
    """Gives a member of the organisation another role; the last owner stays an owner."""
    new_role = _role(role)
    async with in_transaction():
        org = await _lock(actor, organisation_id)
        mine = await _require_role(
            actor, org, MANAGERS, _("Only its owners and admins can change roles.")
        )
        target = await _require_membership(org, member_id)
        if target.role == new_role:
            return target
        _require_owner_for(mine, target.role, new_role)
        if target.role == Owner:
            await _require_another_owner(org, "demoted")
        target.role = new_role
        await target.save(update_fields=["role"])
        await _audit_membership(actor, org, "organisation.member_role", member_id, new_role)
    return target


async def remove_member(*, actor: Actor, organisation_id: int, member_id: int) -> Organisation:
    """Removes a member (owners and admins; owners remove owners); anyone may leave."""
    async with in_transaction():
        org = await _lock(actor, organisation_id)
        leaving = member_id == actor.member_id
        mine = (
            None
            if leaving
            else await _require_role(
                actor, org, MANAGERS, "Only its owners and admins can remove people."
            )
        )
        target = await _require_membership(org, member_id)
        if mine is not None:
            _require_owner_for(mine, target.role)
        if target.role == Owner:
            await _require_another_owner(org, "removed")
        await OrganisationMember.filter(id=target.id, hub_id=actor.hub_id).delete()
        await _audit_membership(actor, org, "organisation.member_remove", member_id, target.role)
    return org


def _role(value: str) -> OrganisationRole:
    try:
        return OrganisationRole(value)
    except ValueError as exc:
        raise DomainError(E.INVALID, _("Choose owner, admin or staff."), "role") from exc


async def _lock(actor: Actor, organisation_id: int) -> Organisation:
    """The actor's hub's organisation, row-locked: membership changes on it run one at a time."""
    org = await Organisation.select_for_update().get_or_none(
        id=organisation_id, hub_id=actor.hub_id
    )
    if org is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation in this hub."), "organisationId")
    return org


async def _membership(org: Organisation, member_id: int) -> OrganisationMember | None:
    return await OrganisationMember.get_or_none(
        hub_id=org.hub_id,
        organisation_id=org.id,
        member_id=member_id,
    )


async def _require_membership(org: Organisation, member_id: int) -> OrganisationMember:
    found = await _membership(org, member_id)
    if found is None:
        raise DomainError(
            E.NOT_FOUND, _("This member is not part of the organisation."), "memberId"
        )
    return found


async def _require_role(
    actor: Actor, org: Organisation, allowed: frozenset[OrganisationRole], message: str
) -> OrganisationRole:
    mine = await _membership(org, actor.member_id)
    if mine is None or mine.role not in allowed:
        raise DomainError(E.FORBIDDEN, message)
    return mine.role


def _require_owner_for(mine: OrganisationRole, *roles: OrganisationRole) -> None:
    if Owner in roles and mine != Owner:
        raise DomainError(E.FORBIDDEN, _("Only owners can make, demote or remove owners."))


async def _require_another_owner(org: Organisation, what: str) -> None:
    owners = await OrganisationMember.filter(
        hub_id=org.hub_id,
        organisation_id=org.id,
        role=Owner,
    ).count()
    if owners <= 1:
        raise DomainError(
            E.LAST_OWNER,
            _("The last owner cannot be {what}: make someone else an owner first.", what=what),
            "memberId",
        )


def _already_member() -> DomainError:
    return DomainError(E.ALREADY_MEMBER, _("This member is already part of it."), "memberId")


async def _audit_membership(
    actor: Actor, org: Organisation, action: str, member_id: int, role: OrganisationRole
) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="Organisation",
        object_id=org.id,
        data={"member_id": member_id, "role": role.value},
    )


# --- reads ----------------------------------------------------------------------------------


def list_organisations(
    *, hub_id: int, kind: str | None = None, search: str | None = None
) -> QuerySet[Organisation]:
    """The hub's organisations by name then id (public); paged in SQL by the caller."""
    query = Organisation.filter(hub_id=hub_id)
    if kind is not None:
        query = query.filter(kind=_kind(kind))
    if search and search.strip():
        text = v.text(search, field="search", max_length=SEARCH_MAX, invalid=E.INVALID)
        query = query.filter(name__icontains=text)
    return query.order_by("name", "id")


async def get_by_slug(*, hub_id: int, slug: str) -> Organisation | None:
    """The hub's organisation with this slug, if any (public)."""
    if len(slug) > 60:
        return None
    return await Organisation.get_or_none(hub_id=hub_id, slug=slug)


async def roles_of(
    *, hub_id: int, member_id: int, organisation_ids: Sequence[int]
) -> dict[int, OrganisationRole]:
    """The member's role in each of these organisations they belong to."""
    rows = await OrganisationMember.filter(
        hub_id=hub_id, member_id=member_id, organisation_id__in=list(organisation_ids)
    ).values_list("organisation_id", "role")
    return {int(org_id): OrganisationRole(role) for org_id, role in rows}


def may_see_all_memberships_of(actor: Actor, member_id: int) -> bool:
    """The member themself and hub admins see all of a member's memberships."""
    return actor.member_id == member_id or actor.has_role(Role.HUB_ADMIN)


Window = tuple[int, int, int]  # (organisation or member id, offset, limit)


async def membership_windows(
    *,
    hub_id: int,
    by: Literal["organisation", "member"],
    windows: Sequence[Window],
    shared_with: int | None = None,
) -> list[list[OrganisationMember]]:
    """One page of memberships per window, in one statement, for connections in lists.

    By organisation: owners, then admins, then staff, oldest first. By member: oldest first;
    with `shared_with`, only memberships of organisations that member also belongs to.
    """
    spans: dict[int, tuple[int, int]] = {}
    for key, offset, limit in windows:
        lo, hi = spans.get(key, (offset, offset + limit))
        spans[key] = (min(lo, offset), max(hi, offset + limit))
    if not spans:
        return []
    rows: list[OrganisationMember] = await OrganisationMember.raw(
        _window_sql(int(hub_id), by, spans, shared_with)
    )
    found: dict[int, list[OrganisationMember]] = {}
    column = "organisation_id" if by == "organisation" else "member_id"
    for row in rows:
        found.setdefault(getattr(row, column), []).append(row)
    result = []
    for key, offset, limit in windows:
        start = offset - spans[key][0]
        result.append(found.get(key, [])[start : start + limit])
    return result


def _window_sql(
    hub_id: int,
    by: Literal["organisation", "member"],
    spans: dict[int, tuple[int, int]],
    shared_with: int | None,
) -> str:
    # Every interpolated value is an int (int() below), so the statement is injection-safe;
    # Model.raw takes no parameters.
    column = "organisation_id" if by == "organisation" else "member_id"
    rank = (
        "CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.id"
        if by == "organisation"
        else "m.id"
    )
    values = ", ".join(
        f"({int(key)}::bigint, {int(lo)}, {int(hi) - int(lo)})" for key, (lo, hi) in spans.items()
    )
    shared = (
        f"AND m.organisation_id IN (SELECT s.organisation_id FROM organisation_member s "
        f"WHERE s.hub_id = {hub_id} AND s.member_id = {int(shared_with)})"
        if shared_with is not None
        else ""
    )
    return (
        f"SELECT m.* FROM (VALUES {values}) AS w(key, off, lim) CROSS JOIN LATERAL ("
        f"SELECT m.* FROM organisation_member m WHERE m.hub_id = {hub_id} "
        f"AND m.{column} = w.key {shared} ORDER BY {rank} OFFSET w.off LIMIT w.lim) m "
        f"ORDER BY m.{column}, {rank}"
    )
