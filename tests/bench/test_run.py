"""bench/run runs every scenario at --scale 0.01 inside the suite, so none of them rots.

The full-scale numbers are in bench/README.md; here only that each scenario runs against real
processes, answers without errors, and that SQL per request does not grow with the page size.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from bench.procs import db_url, postgraphile_binary


async def test_every_scenario_runs_at_scale_001(tmp_path: Path) -> None:
    # given a scratch hub made by the generator at scale 0.01, when bench/run runs on it
    out = tmp_path / "run.json"
    argv = [sys.executable, "-m", "bench.run", "--scale", "0.01", "--seconds", "0.5"]
    argv += ["--clients", "1,2", "--burst", "5", "--members", "20", "--pgbench-scale", "1"]
    argv += ["--offline", "--out", str(out)]
    done = await asyncio.to_thread(
        subprocess.run, argv, capture_output=True, text=True, timeout=600, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())

    # then every scenario answered, with no errors
    assert result["members"] == 6000 and result["opportunities"] == 10000
    feed, plain, detail = result["feed"], result["list"], result["detail"]
    for step in [*feed["by_clients"].values(), plain["communityhub"], plain["floor"], detail]:
        assert step["requests"] > 0 and step["errors"] == 0, step
    assert set(feed["by_clients"]) == {"1", "2"}
    assert plain["vs_floor"] > 0
    nested = plain["detail"]  # the nested detail of scenario 2, one statement (token cached)
    assert nested["communityhub"]["requests"] > 0 and nested["communityhub"]["errors"] == 0
    assert nested["sql_per_request"] == 1
    if postgraphile_binary().exists():  # installed on this machine: the peer must have run
        assert plain["postgraphile"]["requests"] > 0 and plain["postgraphile"]["errors"] == 0
        assert nested["postgraphile"]["requests"] > 0 and nested["postgraphile"]["errors"] == 0
    else:
        assert "skipped" in plain["postgraphile"]
    mutations = result["mutations"]
    paths = ("apply", "apply_service", "transfer", "transfer_service")
    for step in (mutations[path] for path in paths):
        assert step["requests"] > 0 and step["errors"] == 0, step
    for path in ("apply", "apply_service"):  # every request answered with an outcome
        assert sum(mutations[path]["outcomes"].values()) >= mutations[path]["requests"]
    assert mutations["pgbench_tpcb_like"]["tps"] > 0
    assert mutations["transfer_service_vs_pgbench"] > 0
    matching = result["matching"]
    assert matching["published"] == matching["matched"] == 6  # the burst and the warm-up one
    assert 0 < matching["p50_ms"] <= matching["p95_ms"]
    assert matching["notified_median"] > 0  # the burst found members to tell
    assert matching["told_now"] > 0  # some now, not all in digests
    assert matching["cap_counts_left"] == 0  # the clean-up took back the daily cap's counts
    assert matching["worker_peak_rss_mb"] > 0 and result["api_peak_rss_mb"] > 0
    spaces = result["spaces"]  # a space free on Tuesday afternoon within 5 km
    assert set(spaces["by_clients"]) == {"1", "2"} and result["assets"] == 500
    for step in spaces["by_clients"].values():
        assert step["requests"] > 0 and step["errors"] == 0, step
    assert spaces["found_none"] < spaces["searches"]  # some searches found a free space

    # and SQL statements per request do not grow with the page size
    assert 0 < feed["sql_per_request"]["10"] == feed["sql_per_request"]["50"]
    assert 0 < plain["sql_per_request"]["10"] == plain["sql_per_request"]["50"]
    assert 0 < detail["sql_per_request"] <= 20
    assert mutations["sql_per_request"]["transfer"] == 1  # the posting (the token is cached)
    assert 0 < spaces["sql_per_request"]["10"] == spaces["sql_per_request"]["50"] <= 3

    # and the scratch database is gone
    conn = await asyncpg.connect(db_url("postgres").replace("postgres://", "postgresql://", 1))
    try:
        left = await conn.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", result["database"]
        )
    finally:
        await conn.close()
    assert left is None
