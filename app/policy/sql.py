"""The policy table's rules as SQL text, for the compiled read path (issue 15).

Generated from the same rule objects as their Python checks and Tortoise `Q` forms
(app/policy/rules.py), never written by hand: each rule class renders itself here.

The SQL is planned once per *kind* of caller — signed in or not, and which roles — so rules
about the caller alone (anyone, signed in, roles) become TRUE or FALSE in the text, and the
caller's hub and member are bind parameters: `$1` is the hub id, `$2` the member id (NULL when
anonymous). A rule this module does not know raises NotCompilable, and the operation runs on
the interpreter.
"""

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise.models import Model

from app.people.models import Role
from app.policy.rules import (
    AllOf,
    AnyOf,
    CallerRule,
    IsViewer,
    Linked,
    RowState,
    Rule,
    Through,
    Unlisted,
)

HUB = "$1"
MEMBER = "$2"


class NotCompilable(Exception):
    """This part of an operation has no SQL form: the interpreter answers it."""


@dataclass(frozen=True)
class Caller:
    """What a plan may assume about the caller: the rest are bind parameters."""

    signed_in: bool
    roles: frozenset[Role]


class _Symbol:
    """Stands for a bind parameter where a rule's `where` reads the viewer."""

    def __init__(self, sql: str) -> None:
        self.sql = sql


class SymbolicViewer:
    """A viewer whose hub and member are bind parameters (for `Linked.where`)."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller
        self.hub_id: Any = _Symbol(HUB)
        self.member_id: Any = _Symbol(MEMBER) if caller.signed_in else None
        self.actor = None
        # Guests never reach the compiled path (schema/compiled/__init__.py sends them to the
        # interpreter): a plan is for members.
        self.guest = False

    @property
    def signed_in(self) -> bool:
        return self.caller.signed_in

    def has_role(self, *roles: Role) -> bool:
        return self.caller.signed_in and any(r in self.caller.roles for r in roles)


def literal(value: Any) -> str:
    """A constant of a rule's definition (a state, a role), as SQL."""
    if isinstance(value, _Symbol):
        return value.sql
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        if "\x00" in value:
            raise NotCompilable("NUL in a rule constant")
        return "'" + value.replace("'", "''") + "'"
    raise NotCompilable(f"no SQL literal for {value!r}")


def column(model: type[Model], field: str) -> str:
    projection = model._meta.fields_db_projection
    if field not in projection:
        raise NotCompilable(f"{model.__name__}.{field} is not a column")
    return f'"{projection[field]}"'


def _lookup(model: type[Model], alias: str, key: str, value: Any) -> str:
    name, _, op = key.partition("__")
    target = f"{alias}.{column(model, name)}"
    if op == "":
        return f"{target} = {literal(value)}"
    if op == "in" and isinstance(value, Collection) and not isinstance(value, str):
        if not value:
            return "FALSE"
        return f"{target} IN ({', '.join(literal(v) for v in value)})"
    if op == "isnull":
        return f"{target} IS {'' if value else 'NOT '}NULL"
    raise NotCompilable(f"lookup {key}")


def rule_sql(rule: Rule, caller: Caller, model: type[Model], alias: str) -> str:
    """`rule` for the row `alias` of `model`, as a SQL boolean expression that is never NULL
    (a NULL foreign key makes `x IN (...)` NULL, and NOT NULL is not TRUE: the Python check
    answers False there, and so must this)."""
    if isinstance(rule, AnyOf | AllOf | CallerRule):
        return _rule_sql(rule, caller, model, alias)
    return f"COALESCE({_rule_sql(rule, caller, model, alias)}, FALSE)"


def _rule_sql(rule: Rule, caller: Caller, model: type[Model], alias: str) -> str:
    if isinstance(rule, CallerRule):
        return "TRUE" if rule.holds(SymbolicViewer(caller)) else "FALSE"  # type: ignore[arg-type]
    if isinstance(rule, IsViewer):
        if not caller.signed_in:
            return "FALSE"
        return f"{alias}.{column(model, rule.field)} = {MEMBER}"
    if isinstance(rule, RowState):
        return _lookup(model, alias, rule.field + "__in", sorted(rule.values, key=str))
    if isinstance(rule, Linked):
        where = rule.where(SymbolicViewer(caller))  # type: ignore[arg-type]
        if where is None:
            return "FALSE"
        inner = f"{alias}_l"
        conditions = [f"{inner}.hub_id = {HUB}"]
        conditions += [_lookup(rule.model, inner, k, v) for k, v in where.items()]
        return (
            f"{alias}.{column(model, rule.field)} IN (SELECT {inner}.{column(rule.model, rule.key)}"
            f' FROM "{rule.model._meta.db_table}" {inner} WHERE {" AND ".join(conditions)})'
        )
    if isinstance(rule, Unlisted):
        inner = f"{alias}_u"
        conditions = [f"{inner}.hub_id = {HUB}"]
        conditions += [_lookup(rule.model, inner, k, v) for k, v in rule.where.items()]
        return (
            f'NOT EXISTS (SELECT 1 FROM "{rule.model._meta.db_table}" {inner} WHERE '
            f"{inner}.{column(rule.model, rule.key)} = {alias}.{column(model, rule.field)}"
            f" AND {' AND '.join(conditions)})"
        )
    if isinstance(rule, Through):
        inner = f"{alias}_t"
        target = rule.model
        return (
            f'EXISTS (SELECT 1 FROM "{target._meta.db_table}" {inner} WHERE {inner}.id ='
            f" {alias}.{column(model, rule.relation + '_id')} AND {inner}.hub_id = {HUB}"
            f" AND {rule_sql(rule.rule, caller, target, inner)})"
        )
    if isinstance(rule, AnyOf):
        return "(" + " OR ".join(rule_sql(r, caller, model, alias) for r in rule.rules) + ")"
    if isinstance(rule, AllOf):
        return "(" + " AND ".join(rule_sql(r, caller, model, alias) for r in rule.rules) + ")"
    raise NotCompilable(f"rule {rule.name} has no SQL form")
