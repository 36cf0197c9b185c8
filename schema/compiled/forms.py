"""SQL forms of the API's scalars, as the interpreter would serialise them (issue 15): each
returns an SQL expression text for the compiled statement (schema/compiled/planner.py)."""

from app.policy.sql import NotCompilable, literal
from app.reads import fields as f


def iso_datetime(expr: str) -> str:
    """A timestamptz as Python's isoformat() of the UTC datetime Tortoise returns."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN"
        f" date_part('microseconds', {utc})::bigint % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || '+00:00')"
    )


def enum_name(expr: str, entry: f.EnumColumn) -> str:
    cases = " ".join(f"WHEN {literal(m.value)} THEN {literal(m.name)}" for m in entry.enum)
    return f"(CASE {expr} {cases} END)"


def global_id(type_name: str, id_expr: str) -> str:
    return (
        f"translate(encode(convert_to({literal(type_name + ':')} || {id_expr}::text, 'UTF8'),"
        " 'base64'), E'\\n', '')"
    )


def cursor(offset_expr: str) -> str:
    return (
        f"translate(encode(convert_to('arrayconnection:' || ({offset_expr})::text, 'UTF8'),"
        " 'base64'), E'\\n', '')"
    )


def build_object(parts: list[str]) -> str:
    if len(parts) > 100:  # json_build_object takes at most 100 arguments
        raise NotCompilable("more than 50 fields in one object")
    return f"json_build_object({', '.join(parts)})"
