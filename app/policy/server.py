"""The server's own facts (its version) are public: clients check them before they send anything."""

from app.policy.rules import ANYONE
from app.policy.table import ModulePolicy, query, value

POLICY = ModulePolicy(
    types=[value("ApiVersion", why="build and schema release numbers; nothing about anyone")],
    queries=[query("apiVersion", ANYONE)],
)
