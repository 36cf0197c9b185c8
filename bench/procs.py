"""The processes a benchmark runs beside itself: API, worker, peers; their peak memory."""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import httpx

PEERS = Path(__file__).parent / "peers"


def server_url() -> str:
    return os.environ.get("CH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def db_url(name: str) -> str:
    """The URL of database `name` on the server of CH_DATABASE_URL."""
    parts = urlsplit(server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (Linux), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Service:
    """A child process, stopped on exit; `ready` polls until it answers."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int | None = None):
        self.name, self.port = name, port
        self.process = subprocess.Popen(
            argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self, path: str = "/healthz", body: dict[str, str] | None = None) -> Self:
        for _ in range(300):
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode()[-2000:] if self.process.stderr else ""
                raise RuntimeError(f"{self.name} exited: {error}")
            try:
                response = (
                    httpx.post(self.url + path, json=body, timeout=2)
                    if body is not None
                    else httpx.get(self.url + path, timeout=2)
                )
                if response.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not start")

    def peak_rss_mb(self) -> float:
        """Of the process and its children (uvicorn's worker processes), summed."""
        pids = [self.process.pid]
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(p) for p in task.read_text().split()]
        return round(sum(peak_rss_mb(pid) for pid in pids), 1)

    def cpu_seconds(self) -> float:
        """User + system CPU of the process and its children (uvicorn's workers) so far."""
        pids = [self.process.pid]
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(p) for p in task.read_text().split()]
        return round(sum(cpu_seconds(pid) for pid in pids), 3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


# Budgets are charged (a Redis round trip a second per caller and process, as in production)
# but never run out: the benchmark's few callers send far more than any one person would.
# The same in the API processes and in bench/run's own (its in-process statement counts).
UNSPENDABLE_BUDGETS = {
    "CH_BUDGET_CAPACITY": "1000000000000",
    "CH_BUDGET_PER_SECOND": "1000000000",
    "CH_LIMITS_SCALE": "1000000",
}


def app_env(database_url: str, redis_prefix: str) -> dict[str, str]:
    return {
        "CH_DATABASE_URL": database_url,
        "CH_REDIS_PREFIX": redis_prefix,
        "CH_LOG_LEVEL": "WARNING",
        "CH_DB_POOL_MAX": "10",
        "CH_INTROSPECTION": "true",
        **UNSPENDABLE_BUDGETS,
        "CH_VAR_DIR": tempfile.mkdtemp(prefix="ch-bench-var-"),  # mail files of the run
    }


def api(database_url: str, redis_prefix: str, workers: int = 1) -> Service:
    port = free_port()
    argv = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)]
    return Service("communityhub serve", argv, app_env(database_url, redis_prefix), port)


def worker(database_url: str, redis_prefix: str) -> Service:
    argv = [sys.executable, "-m", "app", "worker"]
    return Service("communityhub worker", argv, app_env(database_url, redis_prefix))


def floor(database_url: str, workers: int = 1) -> Service:
    """As many processes as the API has (`--api-workers`), so that scaling compares alike."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--port", str(port)]
    argv += ["--workers", str(workers)]
    argv += ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
    return Service("floor (Starlette + asyncpg)", argv, {"FLOOR_DATABASE_URL": database_url}, port)


def _postgraphile_home() -> Path:
    """Where PostGraphile is installed: a per-machine cache keyed by the lock file, outside
    the checkout, so a clean clone on the same machine (CI) finds it without the network."""
    lock = (PEERS / "postgraphile" / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "communityhub-bench" / f"postgraphile-{hashlib.sha256(lock).hexdigest()[:12]}"


def postgraphile_binary() -> Path:
    return _postgraphile_home() / "node_modules" / ".bin" / "postgraphile"


def postgraphile_installed(*, network: bool) -> bool:
    """Installs PostGraphile from bench/peers/postgraphile's lock file with `npm ci` (from the
    npm registry only when `network`; the test suite stays on loopback)."""
    if postgraphile_binary().exists():
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    home = _postgraphile_home()
    home.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(PEERS / "postgraphile" / name, home / name)
    argv = [npm, "ci", "--no-audit", "--no-fund"] + ([] if network else ["--offline"])
    done = subprocess.run(argv, cwd=home, capture_output=True, timeout=600)
    return done.returncode == 0 and postgraphile_binary().exists()


def postgraphile(database_url: str) -> Service:
    port = free_port()
    argv = [
        str(postgraphile_binary()),
        "-c",
        database_url,
        "-s",
        "public",
        "-n",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    argv += ["--disable-query-log"]
    return Service("PostGraphile v4", argv, {"NODE_ENV": "production"}, port)


def pgbench(database_url: str, seconds: float, clients: int, scale: int) -> dict[str, Any]:
    """pgbench on its own scratch database of the same server, dropped afterwards."""
    binary = shutil.which("pgbench") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if binary is None:
        return {"skipped": "pgbench not found (Debian package postgresql-client)"}
    name = f"ch_bench_pgbench_{uuid.uuid4().hex[:8]}"
    server = database_url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    admin, scratch = f"{server}/postgres", f"{server}/{name}"
    subprocess.run(
        ["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True
    )
    try:
        subprocess.run(
            [str(binary), "-q", "-i", "-s", str(scale), scratch], check=True, capture_output=True
        )
        argv = [str(binary), "-b", "tpcb-like", "-c", str(clients), "-j", "2"]
        argv += ["-T", str(max(1, round(seconds))), scratch]
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
        return {"tps": round(tps, 1), "clients": clients, "scale": scale}
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
