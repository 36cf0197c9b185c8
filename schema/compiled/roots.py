"""The root fields a plan compiles (issue 15): the opportunities search, the member's feed and
`node`; each one SQL expression of the plan's statement (schema/compiled/plans.py)."""

from typing import Any

from app import ids
from app.policy.sql import NotCompilable, literal, rule_sql
from app.reads import fields as f
from schema.compiled.planner import Fallback, Planner, Run, Selected

ROOTS = ("opportunities", "recommendedOpportunities", "node")


def root(planner: Planner, item: Selected) -> str:
    if item.name == "__typename":
        return f"to_json({literal('Query')}::text)"
    entry = planner.table.queries.get(item.name)
    if item.name not in ROOTS or entry is None:
        raise NotCompilable(f"root {item.name}")
    if rule_sql(entry.who, planner.caller, f.TYPES["Opportunity"].model, "x") != "TRUE":
        raise NotCompilable(f"{item.name} answers this caller with an error")
    if item.name == "opportunities":
        return _root_opportunities(planner, item)
    if item.name == "recommendedOpportunities":
        return _root_recommended(planner, item)
    return _root_node(planner, item)


OPPORTUNITIES_ARGS = {"filter", "sort", "first", "after", "last", "before"}


def _root_opportunities(planner: Planner, item: Selected) -> str:
    for a in item.node.arguments or ():
        if a.name.value not in OPPORTUNITIES_ARGS:
            raise NotCompilable(f"argument {a.name.value}")
    start, expected = planner.page(item.node, "Query")
    node, index = item.node, len(planner.inner_roots)

    def inner(run: Run) -> tuple[str, list[Any]]:
        from app.errors import DomainError
        from app.opportunities import search

        raw = planner.arg_value(node, "Query", "filter", run.variables)
        sort = planner.arg_value(node, "Query", "sort", run.variables) or search.Sort.NEWEST
        try:
            data = _filter_input(raw)
            results = search.search(
                hub_id=run.hub_id,
                filters=_filters(data),
                sort=search.Sort(sort),
                actor=run.actor,
                near_home=bool(data and data.near_home),
            )
        except (DomainError, ValueError, TypeError) as exc:
            raise Fallback from exc
        return results.sql, results.params

    def caller_free(run: Run) -> bool:
        """Whether the SQL depends on the hub and the variables only (not near the home)."""
        raw = planner.arg_value(node, "Query", "filter", run.variables)
        return not (isinstance(raw, dict) and raw.get("nearHome"))

    inner.caller_free = caller_free  # type: ignore[attr-defined]
    planner.inner_roots.append(inner)
    see = planner.see("Opportunity", "c0")
    rows = (
        "SELECT c0.*, page.rn FROM (SELECT q.id, row_number() OVER () AS rn FROM"
        f" ({{inner{index}}} LIMIT {expected} + 1 OFFSET {start}) q) page"
        f" JOIN opportunity c0 ON c0.id = page.id AND c0.hub_id = $1 AND {see}"
    )
    return planner.connection("Opportunity", rows, item.node, "Query", start, expected)


PAGE_ARGS = {"first", "after", "last", "before"}


def _root_recommended(planner: Planner, item: Selected) -> str:
    """The signed-in member's feed (app/opportunities/feed.py builds its ids in rank order)."""
    for a in item.node.arguments or ():
        if a.name.value not in PAGE_ARGS:
            raise NotCompilable(f"argument {a.name.value}")
    if not planner.caller.signed_in:
        raise NotCompilable("the feed is the signed-in member's")
    start, expected = planner.page(item.node, "Query")
    index = len(planner.inner_roots)

    def inner(run: Run) -> tuple[str, list[Any]]:
        from app.opportunities import feed

        if run.actor is None:
            raise Fallback
        results = feed.build(actor=run.actor)
        # At most MAX_FEED, as the interpreter's slice of feed.Results.
        return f"SELECT * FROM ({results.sql} LIMIT {results.stop}) feed", results.params

    planner.inner_roots.append(inner)
    see = planner.see("Opportunity", "c0")
    rows = (
        "SELECT c0.*, page.rn FROM (SELECT q.id, row_number() OVER () AS rn FROM"
        f" ({{inner{index}}} LIMIT {expected} + 1 OFFSET {start}) q) page"
        f" JOIN opportunity c0 ON c0.id = page.id AND c0.hub_id = $1 AND {see}"
    )
    return planner.connection("Opportunity", rows, item.node, "Query", start, expected)


def _filter_input(raw: Any) -> Any:
    """The coerced `filter` argument as the resolver receives it (OpportunityFilter)."""
    from schema.opportunities.inputs import LocationInput
    from schema.opportunities.queries import OpportunityFilter

    if raw is None:
        return None
    names = {_snake(k): v for k, v in raw.items()}
    if names.get("near") is not None:
        names["near"] = LocationInput(**{_snake(k): v for k, v in names["near"].items()})
    return OpportunityFilter(**names)


def _filters(data: Any) -> Any:
    from schema.opportunities.queries import _filters as resolver_filters

    return resolver_filters(data)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _root_node(planner: Planner, item: Selected) -> str:
    for a in item.node.arguments or ():
        if a.name.value != "id":
            raise NotCompilable(f"argument {a.name.value}")
    given = planner.structural(item.node, "Query", "id")
    try:
        type_name, _ = ids.parse(given) if isinstance(given, str) else ("", "")
    except ValueError as exc:
        raise NotCompilable("not a global ID") from exc
    type_sql = f.TYPES.get(type_name)
    if type_sql is None:
        raise NotCompilable(f"node of type {type_name!r}")
    node = item.node

    def pk(run: Run) -> int:
        value = planner.arg_value(node, "Query", "id", run.variables)
        try:
            found, node_id = ids.parse(value)
            if found != type_name:
                raise Fallback
            return ids.db_id(node_id)
        except (ValueError, TypeError, AttributeError) as exc:
            raise Fallback from exc

    key = planner.param(pk, "bigint")
    before = len(planner.flags)
    body = planner.obj(type_name, "d0", item.node.selection_set, flags=True)
    found = (
        f'FROM "{type_sql.table}" d0 WHERE d0.id = {key} AND d0.hub_id = $1'
        f" AND {planner.see(type_name, 'd0')}"
    )
    new_flags = planner.flags[before:]
    if new_flags:
        del planner.flags[before:]
        planner.flags.append(f"(SELECT {' OR '.join(new_flags)} {found})")
    return f"(SELECT {body} {found})"
