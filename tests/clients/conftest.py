"""Real clients under Node (tests/clients/node: graphql-ws, @apollo/client, graphql-http)
against real `communityhub serve` processes (tests/clients/live.py).

`npm ci` installs the locked packages once per session, or not at all when node_modules
already holds exactly that lock file (one xdist worker at a time: the others wait on a file
lock, then find the marker). Without node, npm or the npm registry these tests skip;
with CI=true they fail instead.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.live import NODE_DIR, LiveAPI, serve_many

MARKER = NODE_DIR / "node_modules" / ".ch-package-lock.sha256"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the Node clients cannot run: {reason}", pytrace=False)
    pytest.skip(f"Node clients unavailable: {reason}")


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable, with tests/clients/node/node_modules installed from the lock."""
    node_bin, npm_bin = shutil.which("node"), shutil.which("npm")
    if node_bin is None or npm_bin is None:
        _unavailable("node or npm is not on PATH (install Node.js 20+)")
    assert node_bin is not None and npm_bin is not None
    lock = hashlib.sha256((NODE_DIR / "package-lock.json").read_bytes()).hexdigest()
    # (the lock file lives outside the checkout, next to nothing git would see)
    npm_lock = (
        Path(tempfile.gettempdir())
        / f"ch-npm-ci-{hashlib.sha256(bytes(NODE_DIR)).hexdigest()[:12]}"
    )
    with npm_lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not (MARKER.exists() and MARKER.read_text() == lock):
            _npm_ci(npm_bin)
            MARKER.write_text(lock)
    return node_bin


def _npm_ci(npm_bin: str) -> None:
    try:
        done = subprocess.run(
            [npm_bin, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        _unavailable("npm ci took over 300 s")
    if done.returncode != 0:
        _unavailable(f"npm ci failed (is the npm registry reachable?): {done.stderr[-1500:]}")


@pytest.fixture(scope="package")
def live_apis(database: str) -> Iterator[tuple[LiveAPI, ...]]:
    """Two `communityhub serve` processes on the test database and Redis prefix, started
    together once for tests/clients (a subscription test needs a second process)."""
    with serve_many(2) as apis:
        yield apis


@pytest.fixture
def live_api(live_apis: tuple[LiveAPI, ...]) -> LiveAPI:
    return live_apis[0]
