"""A real `communityhub serve` (uvicorn) on loopback, on the test database and Redis prefix."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class LiveAPI:
    host: str
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def errors_logged(self) -> list[str]:
        """The ERROR lines the server has written so far (it logs JSON lines at WARNING+)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if '"level": "error"' in line]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="package")
def live_api(database: str) -> Iterator[LiveAPI]:
    """Started once for tests/api and stopped after it, before the rest of the suite."""
    port = _free_port()
    with tempfile.NamedTemporaryFile(prefix="ch-live-api-", suffix=".log", delete=False) as log:
        path = Path(log.name)
    # Its own Redis prefix: jobs it relays (fuzzing queues many) reach no test's worker.
    prefix = f"{os.environ['CH_REDIS_PREFIX']}-live"
    env = {
        **os.environ,
        "CH_LOG_LEVEL": "WARNING",
        "CH_LOG_JSON": "true",
        "CH_REDIS_PREFIX": prefix,
    }
    with path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        _wait_until_up(process, port, path)
        yield LiveAPI("127.0.0.1", port, path)
    finally:
        process.terminate()
        process.wait(10)
        path.unlink(missing_ok=True)


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the API did not start within 30 s")
