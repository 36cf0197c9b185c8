"""Real `communityhub serve` processes on loopback, and the Node client scripts."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

NODE_DIR = Path(__file__).parent / "node"
# A wait, not a limit under test: on a loaded 2-core machine running xdist workers a cold
# start (imports, schema build) has taken over 30 s.
STARTUP_SECONDS = 90


@dataclass
class LiveAPI:
    host: str
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def graphql(self) -> str:
        return f"{self.url}/graphql"

    @property
    def websocket(self) -> str:
        return f"ws://{self.host}:{self.port}/graphql"

    def errors_logged(self) -> list[str]:
        """The ERROR lines the server has written so far (it logs JSON lines at WARNING+)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if '"level": "error"' in line]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(**env: str) -> Iterator[LiveAPI]:
    """`communityhub serve` on a free port with the test session's settings (and `env`);
    stopped on exit."""
    with serve_many(1, **env) as (api,):
        yield api


@contextmanager
def serve_many(count: int, **env: str) -> Iterator[tuple[LiveAPI, ...]]:
    """`count` separate `communityhub serve` processes, started together."""
    environment = {**os.environ, "CH_LOG_LEVEL": "WARNING", "CH_LOG_JSON": "true", **env}
    started: list[tuple[subprocess.Popen[bytes], LiveAPI]] = []
    try:
        for _ in range(count):
            started.append(_start(environment))
        for index, (process, api) in enumerate(started):
            for _attempt in range(3):
                if _wait_until_up(process, api.port, api.log):
                    break
                # Another process (an xdist worker's server) took the free port first.
                api.log.unlink(missing_ok=True)
                process, api = started[index] = _start(environment)
            else:
                raise RuntimeError("the API found no free port in three tries")
        yield tuple(api for _, api in started)
    finally:
        for process, _ in started:
            process.terminate()
        for process, api in started:
            process.wait(10)
            api.log.unlink(missing_ok=True)


def _start(environment: dict[str, str]) -> tuple[subprocess.Popen[bytes], LiveAPI]:
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="ch-live-api-", suffix=".log") as log:
        path = Path(log.name)
    with path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    return process, LiveAPI("127.0.0.1", port, path)


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> bool:
    """True once /healthz answers; False if the port was taken (start again on another)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            if "address already in use" in output.lower():
                return False
            raise RuntimeError(f"the API exited: {output[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"the API did not start within {STARTUP_SECONDS} s")


async def run_node(node: str, script: str, spec: dict[str, Any]) -> Any:
    """Runs tests/clients/node/<script> with `spec` as JSON on stdin; returns its JSON output."""
    process = await asyncio.create_subprocess_exec(
        node,
        script,
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(json.dumps(spec).encode()), 30)
    assert process.returncode == 0, f"{script} failed: {err.decode()[-3000:]}"
    return json.loads(out)


async def until_listening(member_id: int) -> None:
    """Until an API process has subscribed to the member's notification channel."""
    import redis.asyncio as aioredis

    from app.matching import live

    client = aioredis.Redis.from_url(os.environ["CH_REDIS_URL"])
    try:
        for _ in range(600):  # a wait (15 s at most), polled every 25 ms
            [(_, count)] = await client.pubsub_numsub(live.channel(member_id))
            if count:
                return
            await asyncio.sleep(0.025)
        raise AssertionError("no process subscribed to the notification channel within 15 s")
    finally:
        await client.aclose()
