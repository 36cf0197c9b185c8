"""Closed-loop load from this process: each client sends its next request when the last ends.

Bounded by time and by count; latencies are whole round trips as the client sees them.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

# A request: (session, client number, request number) -> True when the answer was right.
Send = Callable[[aiohttp.ClientSession, int, int], Awaitable[bool]]


@dataclass(frozen=True)
class Requests:
    """A throughput step that either driver can send: (headers, JSON body) pairs taken in turn,
    and `check`, which tells a right (decoded) answer. bench/wrk.py sends them without reading
    the answers, so `checked` sends each distinct one once through aiohttp first."""

    items: Sequence[tuple[Mapping[str, str], Any]]
    check: Callable[[Any], bool]
    path: str = "/graphql"

    def send(self) -> Send:
        async def send(session: aiohttp.ClientSession, client: int, n: int) -> bool:
            headers, body = self.items[(client * 7919 + n) % len(self.items)]
            return self.check(await post_json(session, self.path, body, dict(headers)))

        return send

    async def checked(self, base_url: str) -> int:
        """Sends every request once (this also warms the server's caches): the wrong answers."""
        wrong = 0
        async with aiohttp.ClientSession(base_url) as session:
            for headers, body in self.items:
                wrong += not self.check(await post_json(session, self.path, body, dict(headers)))
        return wrong


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several `drive(..., keep=True)` steps (rounds interleaved with peers)."""
    latencies = [x for part in parts for x in part["latencies"]]
    errors = sum(part["errors"] for part in parts)
    elapsed = sum(part["seconds"] for part in parts)
    return {**summary(len(latencies), errors, elapsed, latencies), "rounds": len(parts)}


def summary(count: int, errors: int, elapsed: float, latencies: list[float]) -> dict[str, Any]:
    latencies = sorted(latencies)
    return {
        "requests": count,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
    }


async def drive(
    send: Send,
    *,
    base_url: str,
    clients: int,
    seconds: float,
    max_requests: int,
    keep: bool = False,
) -> dict[str, Any]:
    """Runs `clients` loops against `base_url` for `seconds` or `max_requests`, whichever first
    (`keep`: the latencies too, for `merged`)."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as session:
        await send(session, 0, -1)  # warm the connection and the server's caches
        deadline = time.perf_counter() + seconds

        async def client(number: int) -> None:
            nonlocal errors, issued
            while time.perf_counter() < deadline and issued < max_requests:
                issued += 1
                started = time.perf_counter()
                ok = await send(session, number, issued)
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    done = summary(len(latencies), errors, elapsed, latencies)
    if keep:
        done.update(latencies=latencies, seconds=elapsed)
    return done


async def post_json(
    session: aiohttp.ClientSession, path: str, body: dict[str, Any], headers: dict[str, str]
) -> Any:
    async with session.post(path, json=body, headers=headers) as response:
        return await response.json(content_type=None)
