"""wrk for writes: every request different, every answer read and counted (issue 19).

bench/wrk.py replays fixed requests and does not read the answers, which suits reads. A
mutation needs a fresh idempotency key per request, payers taken round a ring, a new
(member, opportunity) pair per application, and a run that met errors is not a measurement.
Here wrk's Lua builds each request from a row (headers, body with `@KEY@` where the fresh
key goes) and reads each answer:

    found = wrk_writes.run(url, rows, clients=8, seconds=15, allowed={"posted"})
    found["per_second"], found["outcomes"], found["errors"]

Rows are taken in turn, thread t of T from row t in steps of T, so no two threads send the
same row before the rows wrap. Each answer gets an outcome: `http_<status>` for a status
outside 2xx, `graphql_error` for a top-level GraphQL error, the payload's first error code
(`errors { code ... }`, lower case), else the `status` it names (an application's), else
`ok`. `errors` counts socket errors, timeouts and every outcome not in `allowed` (any
`http_*` and `graphql_error`, whatever `allowed` says); `allowed=None` admits every payload
outcome.
"""

import resource
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import wrk

# (headers, body text): the body's `@KEY@` becomes a key no other request of any run has.
Row = tuple[Mapping[str, str], str]
KEY = "@KEY@"

SCRIPT = r"""
local threads, counter = {}, 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local rows, step, i, sent, prefix = {}, 1, 0, 0, ""
outcomes = {}
function init(args)
  local method, path = args[2], args[3]
  prefix = args[4] .. "-" .. tostring(offset or 0) .. "-"
  step = tonumber(args[5])
  local lines = io.lines(args[1])
  for count in lines do
    local headers = {}
    for _ = 1, tonumber(count) do
      local name, value = string.match(lines(), "^([^\t]*)\t(.*)$")
      headers[name] = value
    end
    local body = lines()
    local at = string.find(body, "@KEY@", 1, true)
    local before, after = body, nil
    if at then before, after = string.sub(body, 1, at - 1), string.sub(body, at + 5) end
    rows[#rows + 1] = {method, path, headers, before, after}
  end
  i = (offset or 0) % #rows
end

function request()
  local r = rows[i + 1]
  i = (i + step) % #rows
  local body = r[4]
  if r[5] then
    sent = sent + 1
    body = r[4] .. prefix .. sent .. r[5]
  end
  return wrk.format(r[1], r[2], r[3], body)
end

local function outcome(status, body)
  if status < 200 or status > 299 then return "http_" .. status end
  if not body or string.find(body, '"errors":[{"message"', 1, true) then
    return "graphql_error"
  end
  local code = string.match(body, '"errors":%[{"code":"([%w_]+)"')
  if code then return string.lower(code) end
  local state = string.match(body, '"status":"([%w_]+)"')
  if state then return string.lower(state) end
  return "ok"
end

function response(status, headers, body)
  local name = outcome(status, body)
  outcomes[name] = (outcomes[name] or 0) + 1
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
  for _, thread in ipairs(threads) do
    for name, count in pairs(thread:get("outcomes")) do
      io.write(string.format("WRK_OUTCOME %s %d\n", name, count))
    end
  end
end
"""


def run(
    url: str,
    rows: Sequence[Row],
    *,
    clients: int,
    seconds: float,
    allowed: Collection[str] | None = None,
    threads: int = 1,
    timeout_seconds: int = 60,
) -> dict[str, Any]:
    """`clients` connections send `rows` (POST) in turn to `url` for `seconds`; returns
    bench/wrk.py's summary (requests, per_second, p50/p95/p99 ms, histogram...) with
    `outcomes` (answers read, by outcome), `errors` (see the module) and `non_2xx`."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    if not rows:
        raise ValueError("no requests to send")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    count = max(1, min(threads, clients))
    with tempfile.TemporaryDirectory(prefix="bench-wrk-writes-") as scratch:
        script, data = Path(scratch) / "writes.lua", Path(scratch) / "rows.txt"
        script.write_text(SCRIPT)
        data.write_text(_rows_file(rows))
        argv = [binary, "-t", str(count), "-c", str(clients)]
        argv += ["-d", f"{max(1, round(seconds))}s", "--timeout", f"{timeout_seconds}s"]
        argv += ["-s", str(script), f"{parts.scheme}://{parts.netloc}/"]
        argv += ["--", str(data), "POST", path, uuid.uuid4().hex[:12], str(count)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + timeout_seconds + 30
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "WRK_SUMMARY" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    found = wrk._parse(done.stdout, clients)
    outcomes = _outcomes(done.stdout)
    return (
        found
        | summarised(outcomes, found["socket_errors"], allowed)
        | {"client_cpu_seconds": round(cpu, 2)}
    )


def summarised(
    outcomes: Mapping[str, int], socket_errors: int, allowed: Collection[str] | None
) -> dict[str, Any]:
    """outcomes, non_2xx and errors (socket errors plus every answer that is not allowed)."""
    wrong = sum(
        n
        for name, n in outcomes.items()
        if name.startswith("http_")
        or name == "graphql_error"
        or (allowed is not None and name not in allowed)
    )
    non_2xx = sum(n for name, n in outcomes.items() if name.startswith("http_"))
    return {
        "outcomes": dict(sorted(outcomes.items())),
        "non_2xx": non_2xx,
        "errors": wrong + socket_errors,
    }


def merged(parts: Sequence[dict[str, Any]], allowed: Collection[str] | None) -> dict[str, Any]:
    """One result of several runs, outcomes summed."""
    done = wrk.merged(parts)
    outcomes: dict[str, int] = {}
    for part in parts:
        for name, n in part["outcomes"].items():
            outcomes[name] = outcomes.get(name, 0) + n
    return done | summarised(outcomes, done["socket_errors"], allowed)


def _rows_file(rows: Sequence[Row]) -> str:
    """One row after another: the number of headers, each `name<TAB>value`, then the body
    (a file read line by line, not Lua code: tens of thousands of rows exceed Lua's
    constants per chunk)."""
    lines: list[str] = []
    for headers, body in rows:
        fields = _json(headers)
        texts = [*fields.items(), ("", body)]
        if any(ch in text for pair in texts for text in pair for ch in "\t\r\n"):
            raise ValueError("a header or body with a tab or line break")
        lines.append(str(len(fields)))
        lines += [f"{name}\t{value}" for name, value in fields.items()]
        lines.append(body)
    return "\n".join(lines) + "\n"


def _json(headers: Mapping[str, str]) -> dict[str, str]:
    if any(name.lower() == "content-type" for name in headers):
        return dict(headers)
    return {**headers, "Content-Type": "application/json"}


def _outcomes(stdout: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "WRK_OUTCOME":
            found[fields[1]] = found.get(fields[1], 0) + int(fields[2])
    return found
