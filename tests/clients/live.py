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
            started.append((process, LiveAPI("127.0.0.1", port, path)))
        for process, api in started:
            _wait_until_up(process, api.port, api.log)
        yield tuple(api for _, api in started)
    finally:
        for process, _ in started:
            process.terminate()
        for process, api in started:
            process.wait(10)
            api.log.unlink(missing_ok=True)


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the API did not start within 30 s")


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
