"""People in a hub: profiles, the skills taxonomy, trust checks, roles and proxy members.

Rules, written once here:
- a member changes only their own profile; a coordinator changes a proxied member's profile by
  acting as them (`CH-Act-For`), and the audit log then names both;
- the exact home point, the birth date and the notification choices are the member's own: others
  see the coarse area only; roles are seen by the member, moderators and hub admins; trust
  checks by the member and moderators; availability by signed-in members of the hub;
- hub admins curate the skills taxonomy, grant and revoke roles, and link coordinators to the
  members they act for; the hub always keeps at least one hub admin;
- moderators verify or reject pending trust checks, each once, never their own;
- coordinators create proxy members (people without a phone or computer); a member someone acts
  for holds no role beyond member, since whoever acts for them would hold it too;
- everything is read and written within the actor's hub.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import h3
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import i18n
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.auth import cache as auth_cache
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.people.errors import PeopleErrorCode
from app.people.models import (
    CheckKind,
    CheckStatus,
    Digest,
    Member,
    MemberRole,
    MemberSkill,
    ProxyLink,
    Role,
    Skill,
    TrustCheck,
    Weekday,
)

E = PeopleErrorCode

DISPLAY_NAME_MAX = 80
BIO_MAX = 2000
INTERESTS_MAX = 20
INTEREST_MAX = 40
TRAVEL_KM_MAX = 200
SLOTS_MAX = 50
# Members are at least 13: the UK's age of digital consent, and the youngest age volunteering
# platforms accept (opportunities can ask for more with their own minimum age).
MIN_AGE = 13
OLDEST_BIRTH_DATE = date(1900, 1, 1)
HOME_RESOLUTION = 8  # H3 cell kept beside the exact point, for matching and city data
SKILL_NAME_MAX = 80
CATEGORY_MAX = 60
MEMBER_SKILLS_MAX = 50
REFERENCE_MAX = 64
NOTE_MAX = 500
SEARCH_MAX = 80
STAFF_ROLES = frozenset(Role) - {Role.MEMBER}
DEFAULT_PREFS: dict[str, Any] = {
    "email": True,
    "in_app": True,
    "digest": Digest.NONE.value,
    "quiet_from": None,
    "quiet_to": None,
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_WEEKDAYS = frozenset(int(d) for d in Weekday)


def _today() -> date:
    return datetime.now(UTC).date()


# --- profile ----------------------------------------------------------------------------------


async def update_profile(*, actor: Actor, changes: Mapping[str, Any]) -> Member:
    """Changes the given fields of the acting member's profile; the others stay as they are.

    `changes` may hold: display_name, bio, interests, home ((lat, lng)), travel_km,
    availability ([{"weekday": 1-7, "from": "HH:MM", "to": "HH:MM"}]), notification_prefs (the
    keys of DEFAULT_PREFS to change), date_of_birth and locale (a supported language, None: the
    hub's). None clears what can be empty (home,
    birth date, bio, interests, availability; the notification choices go back to the defaults).
    Every invalid field is reported at once, and then nothing is written.
    """
    bag = ErrorBag()
    columns: dict[str, Any] = {}
    for name, value in changes.items():
        with bag.catch():
            columns |= _clean(name, value)
    bag.raise_if_any()
    async with in_transaction():
        member = await Member.select_for_update(no_key=True).get(
            id=actor.member_id, hub_id=actor.hub_id
        )
        if not columns:
            return member
        if "notification_prefs" in columns:
            columns["notification_prefs"] = _merged_prefs(
                member.notification_prefs, columns["notification_prefs"]
            )
        for column, value in columns.items():
            setattr(member, column, value)
        await member.save(update_fields=[*columns, "updated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.update_profile",
            object_type="Member",
            object_id=member.id,
            data={"fields": sorted(changes)},  # which fields, never their (personal) values
        )
    return member


def _clean(name: str, value: Any) -> dict[str, Any]:
    """The column values for one profile field, or a DomainError naming the field."""
    if name == "display_name":
        return {name: _display_name(value)}
    if name == "bio":
        return {name: _bio(value)}
    if name == "interests":
        return {name: _interests(value)}
    if name == "home":
        return _home(value)
    if name == "travel_km":
        return {name: _travel_km(value)}
    if name == "availability":
        return {name: availability(value)}
    if name == "notification_prefs":
        return {name: _prefs_changes(value)}
    if name == "date_of_birth":
        return {name: _date_of_birth(value)}
    if name == "locale":
        return {name: _locale(value)}
    raise DomainError(E.INVALID, _("Not a profile field: {name}.", name=name), name)


def _locale(value: str | None) -> str | None:
    """A supported language (None: the hub's); "it-IT" or "it_IT" is stored as "it"."""
    if value is None:
        return None
    found = i18n.supported(value) if isinstance(value, str) and len(value) <= 35 else None
    if found is None:
        raise DomainError(
            E.UNSUPPORTED_LOCALE,
            i18n._(
                "Not a language we speak: choose one of {choices}.",
                choices=", ".join(i18n.SUPPORTED),
            ),
            "locale",
        )
    return found


def _display_name(value: str | None) -> str:
    if value is None:
        raise DomainError(E.INVALID, _("A display name is required."), "displayName")
    return v.text(value, field="displayName", max_length=DISPLAY_NAME_MAX, invalid=E.INVALID)


def _bio(value: str | None) -> str:
    return v.text(
        value or "",
        field="bio",
        max_length=BIO_MAX,
        invalid=E.INVALID,
        required=False,
        multiline=True,
    )


def _interests(values: Sequence[str] | None) -> list[str]:
    """Lower-cased tags, each once, in the order given."""
    values = values or []
    if len(values) > INTERESTS_MAX:
        raise DomainError(
            E.INVALID,
            _("At most {INTERESTS_MAX} interests.", INTERESTS_MAX=INTERESTS_MAX),
            "interests",
        )
    cleaned = (
        v.text(i, field="interests", max_length=INTEREST_MAX, invalid=E.INVALID).lower()
        for i in values
    )
    return list(dict.fromkeys(cleaned))


def _home(value: tuple[float, float] | None) -> dict[str, Any]:
    if value is None:
        return {"home_lat": None, "home_lng": None, "home_cell": None}
    lat, lng = (float(x) for x in value)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(
            E.INVALID, _("Latitude must be within ±90 and longitude within ±180."), "homeLocation"
        )
    cell = h3.latlng_to_cell(lat, lng, HOME_RESOLUTION)
    return {"home_lat": lat, "home_lng": lng, "home_cell": cell}


def _travel_km(value: int | None) -> int:
    if value is None or isinstance(value, bool):
        raise DomainError(E.INVALID, _("Give a distance in km."), "travelKm")
    return v.int_range(value, field="travelKm", low=0, high=TRAVEL_KM_MAX, invalid=E.INVALID)


def _clock(value: Any, field: str, what: str) -> str:
    if not isinstance(value, str) or not _CLOCK.match(value):
        raise DomainError(E.INVALID, _("{what}: use 24-hour HH:MM, e.g. 09:30.", what=what), field)
    return value


def availability(slots: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Weekly slots in the hub's time zone, sorted: ISO weekday 1-7, start before end."""
    slots = slots or []
    if len(slots) > SLOTS_MAX:
        raise DomainError(
            E.INVALID, _("At most {SLOTS_MAX} slots.", SLOTS_MAX=SLOTS_MAX), "availability"
        )
    cleaned = []
    for n, slot in enumerate(slots, start=1):
        weekday = slot.get("weekday")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or weekday not in _WEEKDAYS:
            raise DomainError(E.INVALID, _("Slot {n}: not a weekday (1-7).", n=n), "availability")
        start = _clock(slot.get("from"), "availability", f"Slot {n}")
        end = _clock(slot.get("to"), "availability", f"Slot {n}")
        if end <= start:
            raise DomainError(
                E.INVALID, _("Slot {n}: it must end after it starts.", n=n), "availability"
            )
        cleaned.append({"weekday": int(weekday), "from": start, "to": end})
    unique = {(s["weekday"], s["from"], s["to"]): s for s in cleaned}
    return [unique[k] for k in sorted(unique)]


def _prefs_changes(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """The notification choices to change (all of them, back to the defaults, for None)."""
    if value is None:
        return dict(DEFAULT_PREFS)
    field = "notificationPreferences"
    unknown = set(value) - set(DEFAULT_PREFS)
    if unknown:
        raise DomainError(
            E.INVALID, _("Unknown choices: {names}.", names=", ".join(sorted(unknown))), field
        )
    out: dict[str, Any] = {}
    for key in ("email", "in_app"):
        if key in value:
            if not isinstance(value[key], bool):
                raise DomainError(E.INVALID, _("Email and in-app are true or false."), field)
            out[key] = value[key]
    if "digest" in value:
        if value["digest"] not in {d.value for d in Digest}:
            raise DomainError(E.INVALID, _("The digest is none, daily or weekly."), field)
        out["digest"] = Digest(value["digest"]).value
    for key, what in (("quiet_from", "Quiet hours start"), ("quiet_to", "Quiet hours end")):
        if key in value:
            out[key] = None if value[key] is None else _clock(value[key], field, what)
    return out


def _merged_prefs(current: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    prefs = {**DEFAULT_PREFS, **(current or {}), **changes}
    start, end = prefs["quiet_from"], prefs["quiet_to"]
    if (start is None) != (end is None):
        raise DomainError(
            E.INVALID,
            _("Give both ends of the quiet hours, or neither."),
            "notificationPreferences",
        )
    if start is not None and start == end:
        raise DomainError(
            E.INVALID,
            _("Quiet hours must start and end at different times."),
            "notificationPreferences",
        )
    return prefs


def notification_prefs(member: Member) -> dict[str, Any]:
    """The member's notification choices, defaults filled in."""
    return {**DEFAULT_PREFS, **(member.notification_prefs or {})}


def _date_of_birth(value: date | None) -> date | None:
    if value is None:
        return None
    today = _today()
    if value > today or value < OLDEST_BIRTH_DATE:
        raise DomainError(E.INVALID, _("Not a possible date of birth."), "dateOfBirth")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age < MIN_AGE:
        raise DomainError(
            E.INVALID, _("Members must be at least {MIN_AGE}.", MIN_AGE=MIN_AGE), "dateOfBirth"
        )
    return value


# --- skills -----------------------------------------------------------------------------------


def _slug_from(value: str, field: str) -> str:
    """A slug made from a name; a name without any letter a-z or digit makes none."""
    if not re.search(r"[a-z0-9]", value.lower()):
        raise DomainError(E.INVALID, _("Needs a letter a-z or a digit to make a slug of."), field)
    return v.slugify(value)


def _category(value: str) -> str:
    text = v.text(value, field="category", max_length=CATEGORY_MAX, invalid=E.INVALID)
    return _slug_from(text, "category")


async def create_skill(
    *, actor: Actor, name: str, slug: str | None = None, category: str = "general"
) -> Skill:
    """Adds a skill to the hub's taxonomy (hub admins); the slug is made from the name if not
    given (a name with no letter a-z or digit, e.g. in another script, needs one given)."""
    actor.require_role(Role.HUB_ADMIN)
    bag = ErrorBag()
    with bag.catch():
        name = v.text(name, field="name", max_length=SKILL_NAME_MAX, invalid=E.INVALID)
    with bag.catch():
        if slug:
            slug = v.slug(slug, field="slug", invalid=E.INVALID)
        elif not bag.errors:
            slug = _slug_from(name, "slug")
    with bag.catch():
        category = _category(category)
    bag.raise_if_any()
    assert slug
    try:
        async with in_transaction():
            skill = await Skill.create(hub_id=actor.hub_id, name=name, slug=slug, category=category)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="skill.create",
                object_type="Skill",
                object_id=skill.id,
                data={"slug": slug},
            )
    except IntegrityError as exc:
        raise DomainError(
            E.DUPLICATE, _("The hub has a skill with the slug {slug!r} already.", slug=slug), "slug"
        ) from exc
    return skill


async def update_skill(
    *, actor: Actor, skill_id: int, name: str | None = None, category: str | None = None
) -> Skill:
    """Renames or re-files a skill (hub admins); its slug stays, so links to it keep working."""
    actor.require_role(Role.HUB_ADMIN)
    changes: dict[str, str] = {}
    bag = ErrorBag()
    if name is not None:
        with bag.catch():
            changes["name"] = v.text(
                name, field="name", max_length=SKILL_NAME_MAX, invalid=E.INVALID
            )
    if category is not None:
        with bag.catch():
            changes["category"] = _category(category)
    bag.raise_if_any()
    async with in_transaction():
        skill = await Skill.select_for_update().get_or_none(id=skill_id, hub_id=actor.hub_id)
        if skill is None:
            raise DomainError(E.NOT_FOUND, _("No such skill in this hub."), "skillId")
        if changes:
            skill.update_from_dict(changes)
            await skill.save(update_fields=list(changes))
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="skill.update",
                object_type="Skill",
                object_id=skill.id,
                data={"fields": sorted(changes)},
            )
    return skill


async def set_member_skills(*, actor: Actor, skill_ids: Sequence[int]) -> list[Skill]:
    """Replaces the acting member's skills; each must be one of the hub's skills."""
    ids = list(dict.fromkeys(skill_ids))
    if len(ids) > MEMBER_SKILLS_MAX:
        raise DomainError(
            E.INVALID,
            _("At most {MEMBER_SKILLS_MAX} skills.", MEMBER_SKILLS_MAX=MEMBER_SKILLS_MAX),
            "skillIds",
        )
    async with in_transaction():
        # One change at a time per member: the lock orders concurrent replacements.
        await Member.select_for_update(no_key=True).get(id=actor.member_id, hub_id=actor.hub_id)
        skills = await Skill.filter(hub_id=actor.hub_id, id__in=ids) if ids else []
        if len(skills) != len(ids):
            raise DomainError(E.INVALID, _("Some of these are not skills of this hub."), "skillIds")
        await MemberSkill.filter(hub_id=actor.hub_id, member_id=actor.member_id).delete()
        await MemberSkill.bulk_create(
            [
                MemberSkill(hub_id=actor.hub_id, member_id=actor.member_id, skill_id=s.id)
                for s in skills
            ]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.set_skills",
            object_type="Member",
            object_id=actor.member_id,
            data={"skills": ids},
        )
    return sorted(skills, key=lambda s: (s.name, s.id))


def list_skills(*, hub_id: int, category: str | None = None) -> QuerySet[Skill]:
    """The hub's skills by name (public in the hub); paged in SQL by the caller."""
    query = Skill.filter(hub_id=hub_id)
    if category is not None and category.strip():
        query = query.filter(category=v.slugify(category[:CATEGORY_MAX]))
    return query.order_by("name", "id")


async def skills_of(*, hub_id: int, member_ids: Iterable[int]) -> dict[int, list[Skill]]:
    """Each member's skills by name, in one statement."""
    found: dict[int, list[Skill]] = {}
    links = (
        await MemberSkill.filter(hub_id=hub_id, member_id__in=list(member_ids))
        .select_related("skill")
        .order_by("skill__name", "skill_id")
    )
    for link in links:
        found.setdefault(link.member_id, []).append(link.skill)
    return found


# --- trust checks -----------------------------------------------------------------------------


async def submit_check(
    *, actor: Actor, kind: CheckKind | str, reference: str, expires_on: date | None = None
) -> TrustCheck:
    """Records a check the member holds (e.g. a DBS certificate), pending a moderator."""
    bag = ErrorBag()
    with bag.catch():
        kind = _kind(kind)
    with bag.catch():
        reference = v.text(
            reference, field="reference", max_length=REFERENCE_MAX, invalid=E.INVALID
        )
    if expires_on is not None and expires_on <= _today():
        bag.add(E.INVALID, _("This check has expired already."), "expiresOn")
    bag.raise_if_any()
    assert isinstance(kind, CheckKind)
    async with in_transaction():
        await Member.select_for_update(no_key=True).get(id=actor.member_id, hub_id=actor.hub_id)
        if await TrustCheck.exists(
            hub_id=actor.hub_id, member_id=actor.member_id, kind=kind, status=CheckStatus.PENDING
        ):
            raise DomainError(E.DUPLICATE, _("A check of this kind awaits review already."), "kind")
        check = await TrustCheck.create(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            kind=kind,
            reference=reference,
            expires_on=expires_on,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="check.submit",
            object_type="TrustCheck",
            object_id=check.id,
            data={"kind": kind.value},
        )
    return check


def _kind(value: CheckKind | str) -> CheckKind:
    try:
        return CheckKind(value)
    except ValueError as exc:
        raise DomainError(E.INVALID, _("Not a kind of check."), "kind") from exc


async def review_check(*, actor: Actor, check_id: int, approve: bool, note: str = "") -> TrustCheck:
    """A moderator verifies or rejects a pending check, never their own."""
    actor.require_role(Role.MODERATOR)
    note = v.text(
        note, field="note", max_length=NOTE_MAX, invalid=E.INVALID, required=False, multiline=True
    )
    async with in_transaction():
        check = await TrustCheck.select_for_update().get_or_none(id=check_id, hub_id=actor.hub_id)
        if check is None:
            raise DomainError(E.NOT_FOUND, _("No such check in this hub."), "checkId")
        reviewers = {actor.member_id, actor.acted_by.id if actor.acted_by else None}
        if check.member_id in reviewers:
            raise DomainError(E.OWN_CHECK, _("Nobody reviews their own check."), "checkId")
        if check.status != CheckStatus.PENDING:
            raise DomainError(
                E.ALREADY_REVIEWED,
                _("This check is {value} already.", value=check.status.value),
                "checkId",
            )
        if approve and check.expires_on is not None and check.expires_on < _today():
            raise DomainError(
                E.INVALID, _("This check has expired since: reject it instead."), "approve"
            )
        check.status = CheckStatus.VERIFIED if approve else CheckStatus.REJECTED
        check.reviewed_by_id = actor.member_id
        check.reviewed_at = datetime.now(UTC)
        check.review_note = note
        await check.save(update_fields=["status", "reviewed_by_id", "reviewed_at", "review_note"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="check.review",
            object_type="TrustCheck",
            object_id=check.id,
            data={"status": check.status.value},
            subject_id=check.member_id,
        )
    return check


def is_valid(check: TrustCheck) -> bool:
    """Verified, and not past its expiry date (a check is good through the day it expires)."""
    return check.status == CheckStatus.VERIFIED and (
        check.expires_on is None or check.expires_on >= _today()
    )


async def valid_checks(member_id: int, hub_id: int) -> set[CheckKind]:
    """The kinds of check the member holds today: verified and not expired."""
    rows = await TrustCheck.filter(
        hub_id=hub_id, member_id=member_id, status=CheckStatus.VERIFIED
    ).values_list("kind", "expires_on")
    today = _today()
    return {CheckKind(kind) for kind, expires in rows if expires is None or expires >= today}


def valid_checks_sql(*, hub: str, member: str, param: Callable[[Any], str]) -> str:
    """valid_checks as a SQL expression: a jsonb array of the kinds the member holds today
    (`hub` and `member` are SQL expressions; `param` adds a parameter and names it)."""
    return (
        "COALESCE((SELECT jsonb_agg(DISTINCT tc.kind) FROM trust_check tc"
        f" WHERE tc.hub_id = {hub} AND tc.member_id = {member}"
        f" AND tc.status = '{CheckStatus.VERIFIED.value}'"
        f" AND (tc.expires_on IS NULL OR tc.expires_on >= {param(_today())})), '[]'::jsonb)"
    )


def pending_checks(*, actor: Actor) -> QuerySet[TrustCheck]:
    """The hub's checks awaiting review, oldest first (moderators)."""
    actor.require_role(Role.MODERATOR)
    return TrustCheck.filter(hub_id=actor.hub_id, status=CheckStatus.PENDING).order_by(
        "created_at", "id"
    )


async def checks_of(*, hub_id: int, member_ids: Iterable[int]) -> dict[int, list[TrustCheck]]:
    """Each member's checks, newest first, in one statement."""
    found: dict[int, list[TrustCheck]] = {}
    rows = await TrustCheck.filter(hub_id=hub_id, member_id__in=list(member_ids)).order_by(
        "-created_at", "-id"
    )
    for check in rows:
        found.setdefault(check.member_id, []).append(check)
    return found


# --- roles ------------------------------------------------------------------------------------


async def _locked_member(actor: Actor, member_id: int) -> Member:
    # NO KEY UPDATE (as for every member lock here): rows referencing the member, such as the
    # audit event of a concurrent revoke, can still be inserted, so two admins revoking each
    # other do not deadlock.
    member = await Member.select_for_update(no_key=True).get_or_none(
        id=member_id, hub_id=actor.hub_id
    )
    if member is None:
        raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "memberId")
    return member


async def _is_proxied(hub_id: int, member: Member) -> bool:
    return member.is_proxy or await ProxyLink.exists(
        hub_id=hub_id, member_id=member.id, active=True
    )


async def grant_role(*, actor: Actor, member_id: int, role: Role) -> Member:
    """Gives a member a role in the hub (hub admins); granting it twice changes nothing."""
    actor.require_role(Role.HUB_ADMIN)
    async with in_transaction():
        member = await _locked_member(actor, member_id)
        if role in STAFF_ROLES and await _is_proxied(actor.hub_id, member):
            raise DomainError(
                E.INVALID, _("A coordinator acts for this member: they hold no other role."), "role"
            )
        _role, created = await MemberRole.get_or_create(
            hub_id=actor.hub_id, member_id=member.id, role=role
        )
        if created:
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="role.grant",
                object_type="Member",
                object_id=member.id,
                data={"role": role.value},
            )
    await auth_cache.forget(member_id=member.id)
    return member


async def revoke_role(*, actor: Actor, member_id: int, role: Role) -> Member:
    """Takes a role away (hub admins); the hub always keeps at least one hub admin."""
    actor.require_role(Role.HUB_ADMIN)
    if role == Role.MEMBER:
        raise DomainError(E.INVALID, _("Every member has the member role."), "role")
    async with in_transaction():
        member = await _locked_member(actor, member_id)
        # Locks every hub admin's row, in id order: two admins stepping down (or revoking each
        # other) at once queue up here. Rows, not values_list: Tortoise drops FOR UPDATE there.
        admins = await (
            MemberRole.filter(hub_id=actor.hub_id, role=Role.HUB_ADMIN)
            .order_by("id")
            .select_for_update()
        )
        if role == Role.HUB_ADMIN and [a.member_id for a in admins] == [member.id]:
            raise DomainError(E.LAST_ADMIN, _("The hub needs at least one hub admin."), "memberId")
        deleted = await MemberRole.filter(
            hub_id=actor.hub_id, member_id=member.id, role=role
        ).delete()
        if deleted:
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="role.revoke",
                object_type="Member",
                object_id=member.id,
                data={"role": role.value},
            )
    await auth_cache.forget(member_id=member.id)
    return member


async def roles_of_members(*, hub_id: int, member_ids: Iterable[int]) -> dict[int, list[Role]]:
    """Each member's roles in the hub, sorted, in one statement."""
    found: dict[int, list[Role]] = {}
    rows = await MemberRole.filter(hub_id=hub_id, member_id__in=list(member_ids)).values_list(
        "member_id", "role"
    )
    for member_id, role in sorted((int(m), Role(str(r))) for m, r in rows):
        found.setdefault(member_id, []).append(role)
    return found


async def roles_of(*, hub_id: int, member_id: int) -> list[Role]:
    return (await roles_of_members(hub_id=hub_id, member_ids=[member_id])).get(member_id, [])


# --- proxy members ----------------------------------------------------------------------------


async def create_proxy_member(*, actor: Actor, display_name: str) -> Member:
    """A coordinator registers someone without a phone or computer, and acts for them."""
    actor.require_role(Role.COORDINATOR)
    display_name = _display_name(display_name)
    async with in_transaction():
        member = await Member.create(hub_id=actor.hub_id, display_name=display_name, is_proxy=True)
        await MemberRole.create(hub_id=actor.hub_id, member_id=member.id, role=Role.MEMBER)
        await ProxyLink.create(
            hub_id=actor.hub_id, coordinator_id=actor.member_id, member_id=member.id
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.create_proxy",
            object_type="Member",
            object_id=member.id,
        )
    return member


async def link_proxy(*, actor: Actor, coordinator_id: int, member_id: int) -> ProxyLink:
    """Lets a coordinator act for a member (hub admins, with the member's consent)."""
    actor.require_role(Role.HUB_ADMIN)
    if coordinator_id == member_id:
        raise DomainError(E.INVALID, _("Nobody acts for themself."), "memberId")
    async with in_transaction():
        # Both rows locked in id order, so concurrent links never deadlock.
        found = {
            m.id: m
            for m in await Member.select_for_update(no_key=True)
            .filter(hub_id=actor.hub_id, id__in=[coordinator_id, member_id])
            .order_by("id")
        }
        coordinator, member = found.get(coordinator_id), found.get(member_id)
        if coordinator is None:
            raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "coordinatorId")
        if member is None:
            raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "memberId")
        roles = await roles_of_members(hub_id=actor.hub_id, member_ids=[coordinator.id, member.id])
        if Role.COORDINATOR not in roles.get(coordinator.id, []):
            raise DomainError(E.INVALID, _("That member is not a coordinator."), "coordinatorId")
        if STAFF_ROLES & set(roles.get(member.id, [])):
            raise DomainError(
                E.INVALID,
                _("This member holds a role beyond member: nobody may act for them."),
                "memberId",
            )
        link, created = await ProxyLink.get_or_create(
            hub_id=actor.hub_id, coordinator_id=coordinator.id, member_id=member.id
        )
        if created or not link.active:
            link.active = True
            await link.save(update_fields=["active"])
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="proxy.link",
                object_type="Member",
                object_id=member.id,
                data={"coordinator": coordinator.id},
            )
    return link


async def unlink_proxy(*, actor: Actor, coordinator_id: int, member_id: int) -> ProxyLink:
    """Stops a coordinator acting for a member (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    async with in_transaction():
        link = await ProxyLink.select_for_update().get_or_none(
            hub_id=actor.hub_id, coordinator_id=coordinator_id, member_id=member_id, active=True
        )
        if link is None:
            raise DomainError(E.NOT_FOUND, _("This coordinator does not act for them."), "memberId")
        link.active = False
        await link.save(update_fields=["active"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="proxy.unlink",
            object_type="Member",
            object_id=member_id,
            data={"coordinator": coordinator_id},
        )
    return link


# --- members ----------------------------------------------------------------------------------


def list_members(*, actor: Actor, search: str | None = None) -> QuerySet[Member]:
    """The hub's members by id (hub admins, moderators, coordinators); `search` is in the name."""
    actor.require_role(Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR)
    query = Member.filter(hub_id=actor.hub_id)
    if search is not None and search.strip():
        text = v.text(search, field="search", max_length=SEARCH_MAX, invalid=E.INVALID)
        query = query.filter(display_name__icontains=text)
    return query.order_by("id")
