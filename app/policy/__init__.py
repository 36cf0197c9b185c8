"""Who may see or do what: one table, deny by default (DESIGN.md "Who may see what").

Modules declare entries with `node`, `value`, `query`, `mutation` and the rules of
`app.policy.rules`; `registry.table()` collects them; the GraphQL layer enforces them on every
field, and services use `can_see` / `visible` for rows they load themselves.
"""

from app.policy.registry import can_see, row_policy, table, visible
from app.policy.rules import (
    ANYONE,
    SIGNED_IN,
    SIGNED_IN_OR_GUEST,
    HasRole,
    IsViewer,
    Linked,
    Rule,
    Through,
    Unlisted,
    state,
)
from app.policy.table import AuditedRead, ModulePolicy, mutation, node, on, query, value
from app.policy.viewer import Viewer

__all__ = [
    "ANYONE",
    "SIGNED_IN",
    "SIGNED_IN_OR_GUEST",
    "AuditedRead",
    "HasRole",
    "IsViewer",
    "Linked",
    "ModulePolicy",
    "Rule",
    "Through",
    "Unlisted",
    "Viewer",
    "can_see",
    "mutation",
    "node",
    "on",
    "query",
    "row_policy",
    "state",
    "table",
    "value",
    "visible",
]
