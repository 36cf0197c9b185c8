"""Every reportable kind of object can be hidden through the policy table (so the interpreter,
`node(id:)`, DataLoaders and the compiled reads hide it alike)."""

from app.moderation.models import Target
from app.moderation.targets import KINDS
from app.policy import registry
from app.policy.rules import leaves
from app.policy.sql import Caller, rule_sql


def test_every_reportable_type_has_the_not_hidden_rule() -> None:
    table = registry.table()
    for target, kind in KINDS.items():
        entry = registry.row_policy(kind.type_name)
        # Members and organisations stay served (other rows point at them): their text is
        # masked instead of the row hidden.
        masked = {Target.MEMBER: "bio", Target.ORGANISATION: "description"}.get(target)
        rule = entry.fields[masked] if masked else entry.see
        names = [leaf.name for leaf in leaves(rule)]
        assert f"not_hidden:{target.value}" in names, (kind.type_name, names)
    assert "ModerationCase" in table.types


def test_the_rule_compiles_to_not_exists() -> None:
    see = registry.row_policy("Review").see
    sql = rule_sql(see, Caller(signed_in=False, roles=frozenset()), KINDS[Target.REVIEW].model, "r")
    assert 'NOT EXISTS (SELECT 1 FROM "moderation_hidden" r_u' in sql
    assert "r_u.\"target\" = 'review'" in sql
