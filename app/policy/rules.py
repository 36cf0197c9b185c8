"""The vocabulary of the policy table: who may see a row, as a Python check and as SQL.

Every rule answers two ways from one definition: `check_many(viewer, rows)` for rows already
loaded (resolvers, services), and `q(viewer)` — a Tortoise `Q` — for list queries, so a list
never shows a row that `check_many` would refuse. Rules combine with `|` and `&`.

Each leaf has a `name` naming the relation it tests ("self", "org_people", ...): the
authorization matrix test reads the table through these names, and a world in which it knows
which caller holds which relation to which row.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.models import Model

from app.people.models import Role
from app.policy.viewer import Viewer

NOTHING = Q(id__in=[])  # matches no row
# Matches every row. Not an empty Q(): Tortoise drops empty Qs inside OR, so `Q() | x` would
# mean `x` alone (the rule-forms test caught it).
EVERYTHING = Q(id__isnull=False)


class Rule(ABC):
    name: str

    @property
    def row_free(self) -> bool:
        """True when the answer does not depend on the row (who the caller is, alone)."""
        return False

    def quick(self, viewer: Viewer, row: Any) -> bool | None:
        """The answer without I/O, or None when it needs a query."""
        return None

    @abstractmethod
    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]: ...

    @abstractmethod
    async def q(self, viewer: Viewer, prefix: str = "") -> Q: ...

    async def allows(self, viewer: Viewer, row: Any = None) -> bool:
        quick = self.quick(viewer, row)
        if quick is not None:
            return quick
        return (await self.check_many(viewer, [row]))[0]

    def __or__(self, other: "Rule") -> "Rule":
        return AnyOf((*_parts(self, AnyOf), *_parts(other, AnyOf)))

    def __and__(self, other: "Rule") -> "Rule":
        return AllOf((*_parts(self, AllOf), *_parts(other, AllOf)))

    def __repr__(self) -> str:
        return self.name


def _parts(rule: Rule, kind: type["AnyOf | AllOf"]) -> tuple[Rule, ...]:
    return rule.rules if isinstance(rule, kind) else (rule,)


class CallerRule(Rule):
    """A rule about the caller only: anonymous, signed in, roles."""

    @property
    def row_free(self) -> bool:
        return True

    @abstractmethod
    def holds(self, viewer: Viewer) -> bool: ...

    def quick(self, viewer: Viewer, row: Any) -> bool:
        return self.holds(viewer)

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        return [self.holds(viewer)] * len(rows)

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        return EVERYTHING if self.holds(viewer) else NOTHING


@dataclass(frozen=True, repr=False)
class Anyone(CallerRule):
    """Anyone in the hub, signed in or not (anonymous callers name the hub with CH-Hub)."""

    name: str = "anyone"

    def holds(self, viewer: Viewer) -> bool:
        return True


@dataclass(frozen=True, repr=False)
class SignedIn(CallerRule):
    """A signed-in member of the hub. Not a guest (a partner hub's member acting here,
    app/federation/guests.py) unless `guests`: a guest reads and does only what a rule about
    the row itself grants them (their own Member row, applications, hours), deny by default."""

    guests: bool = False
    name: str = "signed_in"

    def holds(self, viewer: Viewer) -> bool:
        return viewer.signed_in and (self.guests or not viewer.guest)


@dataclass(frozen=True, repr=False)
class HasRole(CallerRule):
    roles: frozenset[Role]
    name: str = "role"

    def __init__(self, *roles: Role) -> None:
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "name", "role:" + "|".join(sorted(r.value for r in roles)))

    def holds(self, viewer: Viewer) -> bool:
        return viewer.has_role(*self.roles)


@dataclass(frozen=True, repr=False)
class IsViewer(Rule):
    """The row's `field` is the viewer's member id (their own row)."""

    field: str
    name: str = "self"

    def quick(self, viewer: Viewer, row: Any) -> bool:
        return viewer.member_id is not None and getattr(row, self.field) == viewer.member_id

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        return [self.quick(viewer, r) for r in rows]

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        if viewer.member_id is None:
            return NOTHING
        return Q(**{prefix + self.field: viewer.member_id})  # type: ignore[arg-type]


@dataclass(frozen=True, repr=False)
class RowState(Rule):
    """The row's `field` has one of `values` (e.g. published, not a draft)."""

    name: str
    field: str
    values: frozenset[Any]

    def quick(self, viewer: Viewer, row: Any) -> bool:
        return getattr(row, self.field) in self.values

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        return [self.quick(viewer, r) for r in rows]

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        return Q(**{prefix + self.field + "__in": list(self.values)})  # type: ignore[arg-type]


Where = Callable[[Viewer], Mapping[str, Any] | None]


@dataclass(frozen=True, repr=False)
class Linked(Rule):
    """The viewer is linked to the row through rows of `model`: some `model` row has
    `key` equal to the row's `field` and matches `where(viewer)` (None: nobody is linked).

    E.g. staff of the row's organisation: Linked("org_people", "organisation_id",
    OrganisationMember, "organisation_id", lambda v: {"member_id": v.member_id}).
    """

    name: str
    field: str
    model: type[Model]
    key: str
    where: Where

    def _filters(self, viewer: Viewer) -> dict[str, Any] | None:
        found = self.where(viewer)
        if found is None or viewer.hub_id is None:
            return None
        return {"hub_id": viewer.hub_id, **found}

    def quick(self, viewer: Viewer, row: Any) -> bool | None:
        if getattr(row, self.field) is None or self._filters(viewer) is None:
            return False
        return None

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        filters = self._filters(viewer)
        values = {getattr(r, self.field) for r in rows} - {None}
        if filters is None or not values:
            return [False] * len(rows)
        linked = set(
            await self.model.filter(**filters, **{self.key + "__in": list(values)}).values_list(
                self.key, flat=True
            )
        )
        return [getattr(r, self.field) in linked for r in rows]

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        filters = self._filters(viewer)
        if filters is None:
            return NOTHING
        linked = self.model.filter(**filters).values(self.key)
        return Q(**{prefix + self.field + "__in": Subquery(linked)})  # type: ignore[arg-type]


@dataclass(frozen=True, repr=False)
class Unlisted(Rule):
    """The row's `field` is NOT among the `key`s of `model` rows matching `where` (in the
    viewer's hub): e.g. not hidden by moderators (app/moderation/policy.py). The same for every
    viewer, anonymous included."""

    name: str
    field: str
    model: type[Model]
    key: str
    where: Mapping[str, Any]

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        values = {getattr(r, self.field) for r in rows} - {None}
        if viewer.hub_id is None or not values:
            return [True] * len(rows)
        listed = set(
            await self.model.filter(
                hub_id=viewer.hub_id, **self.where, **{self.key + "__in": list(values)}
            ).values_list(self.key, flat=True)
        )
        return [getattr(r, self.field) not in listed for r in rows]

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        if viewer.hub_id is None:
            return EVERYTHING
        listed = self.model.filter(hub_id=viewer.hub_id, **self.where).values(self.key)
        return ~Q(**{prefix + self.field + "__in": Subquery(listed)})  # type: ignore[arg-type]


@dataclass(frozen=True, repr=False)
class Through(Rule):
    """`rule` holds for the row's related `relation` (a foreign key to `model`)."""

    relation: str
    model: type[Model]
    rule: Rule

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"{self.relation}.{self.rule.name}"

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        ids = sorted({getattr(r, self.relation + "_id") for r in rows} - {None})
        if not ids or viewer.hub_id is None:
            return [False] * len(rows)
        related = [r for r in await viewer.rows(self.model, ids) if r is not None]
        allowed = dict(
            zip((r.pk for r in related), await self.rule.check_many(viewer, related), strict=True)
        )
        return [allowed.get(getattr(r, self.relation + "_id"), False) for r in rows]

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        return await self.rule.q(viewer, prefix + self.relation + "__")


@dataclass(frozen=True, repr=False)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:  # type: ignore[override]
        return " | ".join(r.name for r in self.rules)

    @property
    def row_free(self) -> bool:
        return all(r.row_free for r in self.rules)

    def quick(self, viewer: Viewer, row: Any) -> bool | None:
        answers = [r.quick(viewer, row) for r in self.rules]
        if any(answers):
            return True
        return False if all(a is False for a in answers) else None

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        result = [False] * len(rows)
        for rule in self.rules:
            undecided = [i for i, ok in enumerate(result) if not ok]
            if not undecided:
                break
            answers = await rule.check_many(viewer, [rows[i] for i in undecided])
            for i, ok in zip(undecided, answers, strict=True):
                result[i] = ok
        return result

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        parts = [await r.q(viewer, prefix) for r in self.rules]
        return Q(*parts, join_type=Q.OR)


@dataclass(frozen=True, repr=False)
class AllOf(Rule):
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:  # type: ignore[override]
        return " & ".join(r.name for r in self.rules)

    @property
    def row_free(self) -> bool:
        return all(r.row_free for r in self.rules)

    def quick(self, viewer: Viewer, row: Any) -> bool | None:
        answers = [r.quick(viewer, row) for r in self.rules]
        if any(a is False for a in answers):
            return False
        return True if all(answers) else None

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        result = [True] * len(rows)
        for rule in self.rules:
            undecided = [i for i, ok in enumerate(result) if ok]
            if not undecided:
                break
            answers = await rule.check_many(viewer, [rows[i] for i in undecided])
            for i, ok in zip(undecided, answers, strict=True):
                result[i] = ok
        return result

    async def q(self, viewer: Viewer, prefix: str = "") -> Q:
        parts = [await r.q(viewer, prefix) for r in self.rules]
        return Q(*parts, join_type=Q.AND)


def leaves(rule: Rule) -> list[Rule]:
    """The leaf rules of a combination, for documentation and the matrix test."""
    if isinstance(rule, AnyOf | AllOf):
        return [leaf for r in rule.rules for leaf in leaves(r)]
    return [rule]


def state(name: str, field: str, values: Collection[Any]) -> RowState:
    return RowState(name=name, field=field, values=frozenset(values))


ANYONE: Rule = Anyone()
SIGNED_IN: Rule = SignedIn()
# For the operations the table opens to guests (`guests=True`): signed in, guests included.
SIGNED_IN_OR_GUEST: Rule = SignedIn(guests=True, name="signed_in_or_guest")
