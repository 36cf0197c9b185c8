"""The results table bench/run prints (the JSON holds everything)."""

from typing import Any


def _row(name: str, r: dict[str, Any]) -> str:
    if "per_second" not in r:
        return f"{name:<44} {r.get('skipped', '-')}"
    return (
        f"{name:<44}{r['per_second']:>10}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}"
        f"{r['errors']:>7}"
    )


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['database']}: {result.get('members', 0):,} members,"
        f" {result.get('opportunities', 0):,} opportunities, {result.get('assets', 0):,} assets,"
        f" {result.get('bookings', 0):,} bookings (commit {result['commit']},"
        f" {result.get('api_workers', 1)} API process(es), load from"
        f" {result.get('driver', 'aiohttp')}, this process on {result.get('loop', 'asyncio')};"
        f" load average before"
        f" {result.get('load_average_before')}, after {result.get('load_average_after')})",
        f"{'scenario':<44}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>7}",
    ]
    if feed := result.get("feed"):
        for clients, r in feed["by_clients"].items():
            lines.append(_row(f"1 feed, {clients} clients", r))
        lines.append(f"  SQL statements per request (first 10 / 50): {_sql(feed)}")
    if plain := result.get("list"):
        for peer in ("communityhub", "postgraphile", "floor"):
            lines.append(_row(f"2 list, {plain['clients']} clients: {peer}", plain[peer]))
        lines.append(
            f"  ours / PostGraphile = {plain['vs_postgraphile']}, ours / floor ="
            f" {plain['vs_floor']}; SQL per request (10 / 50): {_sql(plain)}"
        )
        if nested := plain.get("detail"):
            for peer in ("communityhub", "postgraphile"):
                name = f"2 nested detail, {nested['clients']} clients: {peer}"
                lines.append(_row(name, nested[peer]))
            lines.append(
                f"  ours / PostGraphile = {nested['vs_postgraphile']};"
                f" SQL per request: {nested['sql_per_request']}"
            )
    if detail := result.get("detail"):
        lines.append(_row(f"3 detail, {detail['clients']} clients", detail))
        lines.append(f"  SQL statements per request: {detail['sql_per_request']}")
    if m := result.get("mutations"):
        c = m["clients"]
        for path, key in (("service", "transfer_service"), ("GraphQL", "transfer")):
            if key in m:
                lines.append(_row(f"4 payMember, {c} clients: {path}", m[key]))
                if "outcomes" in m[key]:
                    lines.append(f"  outcomes: {m[key]['outcomes']}{_cpu(m[key])}")
        for path, key in (("service", "apply_service"), ("GraphQL", "apply")):
            if key in m:
                lines.append(_row(f"4 applyToOpportunity, {c} clients: {path}", m[key]))
                lines.append(f"  outcomes: {m[key].get('outcomes', '-')}{_cpu(m[key])}")
        lines.append(
            f"  pgbench tpcb-like {m['pgbench_tpcb_like'].get('tps', '-')} tps (same run);"
            f" payments / pgbench: service {m.get('transfer_service_vs_pgbench')},"
            f" GraphQL {m['transfer_vs_pgbench']};"
            f" SQL per payMember: {m['sql_per_request']['transfer']}"
        )
    if match := result.get("matching"):
        single = match["single"]
        lines.append(
            f"5 matching: {single['matched']} single publishes, p50 {single['p50_ms']} ms,"
            f" p95 {single['p95_ms']} ms; burst: {match['published']} published,"
            f" {match['matched']} matched;"
            f" publish -> last notification enqueued min {match['min_ms']} ms,"
            f" p50 {match['p50_ms']} ms,"
            f" p95 {match['p95_ms']} ms, max {match['max_ms']} ms;"
            f" told now {match.get('told_now')} (cap counts left {match.get('cap_counts_left')});"
            f" worker peak RSS {match['worker_peak_rss_mb']} MB"
        )
    for name in ("mutations", "matching"):
        if vacuumed := (result.get(name) or {}).get("vacuumed_first"):
            lines.append(f"  {name}: vacuumed first (autovacuum is off): {', '.join(vacuumed)}")
    if spaces := result.get("spaces"):
        for clients, r in spaces["by_clients"].items():
            lines.append(_row(f"7 free space Tue 14-16 within 5 km, {clients} clients", r))
        lines.append(
            f"  SQL statements per request (first 10 / 50): {_sql(spaces)};"
            f" spaces found per request (median of {spaces['searches']}):"
            f" {spaces['found_median']}, none {spaces['found_none']},"
            f" a full page {spaces['found_full_page']}"
        )
    lines.append(f"6 API peak RSS: {result.get('api_peak_rss_mb')} MB")
    return "\n".join(lines)


def _cpu(step: dict[str, Any]) -> str:
    """The API processes' CPU per request during a GraphQL step (not for the service path)."""
    per = step.get("api_cpu_ms_per_request")
    return f"; API CPU {per} ms per request" if per is not None else ""


def _sql(section: dict[str, Any]) -> str:
    return " / ".join(str(v) for v in section["sql_per_request"].values())
