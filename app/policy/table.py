"""The policy table: who may see each type and field, call each list and make each mutation.

Each module of app/ declares its entries in its own `policy.py`; `app.policy.registry` collects
them into one table. Names are the API's (GraphQL type and field names): the table governs what
the API serves, and the schema refuses to build while a type, field, query or mutation has no
entry (deny by default).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from app.policy.rules import Rule


@dataclass(frozen=True)
class AuditedRead:
    """A private field whose reading by someone other than the member it is about writes an
    audit row (`private.read`): when `by` grants the read (the moderators' or admins' clause),
    the row's `subject` attribute names that member."""

    subject: str
    by: Rule


@dataclass(frozen=True)
class TypePolicy:
    """Rows of a type: who may see a row (`see`), its public fields (served to whoever sees
    the row) and its sensitive fields with their own, narrower rules.

    A denied sensitive field answers null, its value in `masks` (for a non-null field, e.g.
    "" for a private note), or a FORBIDDEN error when it is listed in `deny_with_error`
    (connections, which an app should not mistake for "none").
    """

    name: str
    see: Rule
    public: frozenset[str]
    fields: Mapping[str, Rule] = field(default_factory=dict)
    model: type[Model] | None = None
    deny_with_error: frozenset[str] = frozenset()
    masks: Mapping[str, Any] = field(default_factory=dict)
    audited: Mapping[str, AuditedRead] = field(default_factory=dict)

    def rule_of(self, field_name: str) -> Rule | None:
        """The field's own rule; None for a public field. KeyError: the field has no entry."""
        if field_name in self.fields:
            return self.fields[field_name]
        if field_name in self.public:
            return None
        raise KeyError(field_name)


@dataclass(frozen=True)
class ValuePolicy:
    """A value type (no rows of its own): served whole to whoever may read the field that
    returns it; the field's rule is what protects it."""

    name: str
    why: str


@dataclass(frozen=True)
class OperationPolicy:
    """A root field (query, list, mutation or subscription): who may call it.

    `who` is about the caller only (anyone, signed in, roles). `parties` says, for the matrix
    test and readers, which rows the operation acts on and who must be party to them: the
    service enforces it when it loads the row (in its transaction), with the same rule.
    """

    name: str
    who: Rule
    parties: "Parties | None" = None
    # A guest (a partner hub's member in this hub, app/federation/guests.py) may call it too.
    # Deny by default: a guest's session calls nothing else, whatever `who` says.
    guests: bool = False


@dataclass(frozen=True)
class Parties:
    """The row an operation acts on (the input field holding its ID) and who may act on it."""

    input_field: str
    type_name: str
    rule: Rule


def node(
    name: str,
    *,
    model: type[Model],
    see: Rule,
    public: Iterable[str],
    fields: Mapping[str, Rule] | None = None,
    deny_with_error: Iterable[str] = (),
    masks: Mapping[str, Any] | None = None,
    audited: Mapping[str, AuditedRead] | None = None,
) -> TypePolicy:
    return TypePolicy(
        name=name,
        model=model,
        see=see,
        public=frozenset(public),
        fields=dict(fields or {}),
        deny_with_error=frozenset(deny_with_error),
        masks=dict(masks or {}),
        audited=dict(audited or {}),
    )


def value(name: str, why: str) -> ValuePolicy:
    return ValuePolicy(name=name, why=why)


def query(
    name: str, who: Rule, parties: Parties | None = None, *, guests: bool = False
) -> OperationPolicy:
    """A root read; with `parties`, the row it reads (by an argument) and who may read it."""
    return OperationPolicy(name=name, who=who, parties=parties, guests=guests)


def mutation(
    name: str, who: Rule, parties: Parties | None = None, *, guests: bool = False
) -> OperationPolicy:
    if not who.row_free:
        raise ValueError(f"{name}: `who` must not depend on a row; use `parties`.")
    return OperationPolicy(name=name, who=who, parties=parties, guests=guests)


def on(input_field: str, type_name: str, rule: Rule) -> Parties:
    return Parties(input_field=input_field, type_name=type_name, rule=rule)


@dataclass
class ModulePolicy:
    """One module's entries."""

    types: list[TypePolicy | ValuePolicy] = field(default_factory=list)
    queries: list[OperationPolicy] = field(default_factory=list)
    mutations: list[OperationPolicy] = field(default_factory=list)
    subscriptions: list[OperationPolicy] = field(default_factory=list)
