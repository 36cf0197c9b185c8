"""Closed-loop HTTP load from `wrk` (C, epoll): a light load generator for throughput steps.

bench/load.py's aiohttp clients cost more CPU per request than the API they measure; on a
2-core machine they take a core from the server. wrk sends the same closed loop (each
connection sends its next request when the last answer arrives) for a fraction of the CPU.
It does not read answers, so check them first with bench/load.py (bench/run does).

    from bench import wrk
    found = wrk.run("http://127.0.0.1:8000/graphql", [(headers, body), ...], clients=8, seconds=15)
    found["per_second"], found["p50_ms"], found["p95_ms"], found["p99_ms"], found["errors"]

The requests are taken in turn (each wrk thread starts at a different one), so bodies and
headers can rotate (members' tokens, ids). Needs the `wrk` binary (Debian: `apt-get install wrk`).
"""

import json
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# (headers, body): the body as sent, a str/bytes, or anything else encoded as JSON.
Request = tuple[Mapping[str, str], Any]

# Runs in every wrk thread: the requests are formatted once (wrk.format), then sent in turn.
# done() prints the summary and the whole latency histogram (microseconds, count) so that
# several runs can be merged exactly.
SCRIPT = r"""
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

local formatted = {}
local i = 0
function init(args)
  local method, path = args[2], args[3]
  for _, r in ipairs(dofile(args[1])) do
    local headers = {}
    for name, value in pairs(r[1]) do headers[name] = value end
    formatted[#formatted + 1] = wrk.format(method, path, headers, r[2])
  end
  i = ((offset or 0) * 7919) % #formatted
end

function request()
  i = i % #formatted + 1
  return formatted[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_SUMMARY %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
  for k = 1, #latency do
    local value, count = latency(k)
    io.write(string.format("WRK_LATENCY %d %d\n", value, count))
  end
end
"""


def installed() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    requests: Sequence[Request],
    *,
    clients: int,
    seconds: float,
    method: str = "POST",
    threads: int = 1,
    timeout_seconds: int = 60,
) -> dict[str, Any]:
    """`clients` connections send `requests` in turn to `url` for `seconds` (whole seconds, at
    least 1: wrk's unit). Returns requests, per_second, p50/p95/p99 ms, errors (answers with
    status >= 400 plus socket errors and timeouts: wrk reads no status below 400 as an error),
    non_2xx, socket_errors, seconds and `histogram` ([microseconds, count] pairs, for
    `merged`). One wrk thread by default: it drives thousands of requests per second on a core."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    if not requests:
        raise ValueError("no requests to send")
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch:
        script, data = Path(scratch) / "rotate.lua", Path(scratch) / "requests.lua"
        script.write_text(SCRIPT)
        data.write_bytes(_lua_requests(requests))
        argv = [binary, "-t", str(max(1, min(threads, clients))), "-c", str(clients)]
        argv += ["-d", f"{max(1, round(seconds))}s", "--timeout", f"{timeout_seconds}s"]
        argv += ["-s", str(script), f"{parts.scheme}://{parts.netloc}/"]
        argv += ["--", str(data), method.upper(), path]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + timeout_seconds + 30
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "WRK_SUMMARY" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return _parse(done.stdout, clients) | {"client_cpu_seconds": round(cpu, 2)}


def merged(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One result of several runs (interleaved rounds): counts summed, percentiles recomputed
    from the summed histograms."""
    parts = list(parts)
    histogram: dict[int, int] = {}
    for part in parts:
        for value, count in part["histogram"]:
            histogram[value] = histogram.get(value, 0) + count
    total = {key: sum(p[key] for p in parts) for key in ("non_2xx", "socket_errors")}
    seconds = sum(p["seconds"] for p in parts)
    count = sum(p["requests"] for p in parts)
    cpu = round(sum(p.get("client_cpu_seconds", 0.0) for p in parts), 2)
    done = _summary(count, seconds, sorted(histogram.items()), **total)
    return done | {"rounds": len(parts), "client_cpu_seconds": cpu}


def _parse(stdout: str, clients: int) -> dict[str, Any]:
    histogram: list[tuple[int, int]] = []
    count = duration_us = non_2xx = socket_errors = 0
    for line in stdout.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "WRK_SUMMARY":
            count, duration_us, connect, read, write, status, timeout = map(int, fields[1:8])
            non_2xx, socket_errors = status, connect + read + write + timeout
        elif fields[0] == "WRK_LATENCY":
            histogram.append((int(fields[1]), int(fields[2])))
    histogram = _uncorrected(sorted(histogram), duration_us, count, clients)
    return _summary(
        count, duration_us / 1e6, histogram, non_2xx=non_2xx, socket_errors=socket_errors
    )


def _uncorrected(
    histogram: list[tuple[int, int]], duration_us: int, count: int, clients: int
) -> list[tuple[int, int]]:
    """The latencies as measured. wrk 4 adds made-up samples before done() (stats_correct,
    against coordinated omission: each latency of at least twice the mean interval between
    one connection's requests also counts as latency - k x interval, k = 1, 2, ...);
    bench/load.py reports each request's own round trip, so this undoes it, exactly."""
    if not histogram or count // clients == 0:
        return histogram
    interval = duration_us // (count // clients)
    if interval <= 0:
        return histogram
    added: dict[int, int] = {}
    measured: list[tuple[int, int]] = []
    for value, total in reversed(histogram):
        own = total - added.get(value, 0)
        if own > 0:
            measured.append((value, own))
        if value >= 2 * interval:
            lower = value - interval
            while own and lower > interval:
                added[lower] = added.get(lower, 0) + own
                lower -= interval
    return measured[::-1]


def _summary(
    count: int,
    seconds: float,
    histogram: list[tuple[int, int]],
    *,
    non_2xx: int,
    socket_errors: int,
) -> dict[str, Any]:
    return {
        "driver": "wrk",
        "requests": count,
        "errors": non_2xx + socket_errors,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1) if seconds else 0.0,
        "p50_ms": _percentile(histogram, 0.50),
        "p95_ms": _percentile(histogram, 0.95),
        "p99_ms": _percentile(histogram, 0.99),
        "histogram": [list(pair) for pair in histogram],
    }


def _percentile(histogram: list[tuple[int, int]], p: float) -> float:
    """The value below which a share p of the samples lie (bench/load.py's rule), in ms."""
    total = sum(count for _, count in histogram)
    if not total:
        return 0.0
    rank, seen = min(total - 1, int(p * total)), 0
    for value, count in histogram:
        seen += count
        if seen > rank:
            return round(value / 1000, 2)
    return round(histogram[-1][0] / 1000, 2)


def _lua_requests(requests: Sequence[Request]) -> bytes:
    """A Lua chunk returning {{headers, body}, ...}: every string as a decimal-escaped literal."""
    rows = []
    for headers, body in requests:
        fields = ", ".join(f"[{_lua(name)}] = {_lua(value)}" for name, value in headers.items())
        if "content-type" not in {name.lower() for name in headers} and not isinstance(
            body, (str, bytes)
        ):
            fields += (", " if fields else "") + '["Content-Type"] = "application/json"'
        rows.append(f"{{{{{fields}}}, {_lua(_encoded(body))}}}")
    return ("return {\n" + ",\n".join(rows) + "\n}\n").encode()


def _encoded(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


def _lua(value: str | bytes) -> str:
    raw = value.encode() if isinstance(value, str) else value
    safe = (chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in raw)
    return '"' + "".join(safe) + '"'


if __name__ == "__main__":  # a quick look: python -m bench.wrk URL BODY [clients seconds]
    import sys

    target, text = sys.argv[1], sys.argv[2]
    numbers = [int(x) for x in sys.argv[3:5]] or [8, 5]
    result = run(target, [({}, json.loads(text))], clients=numbers[0], seconds=numbers[1])
    result.pop("histogram")
    print(json.dumps(result))
