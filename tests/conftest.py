"""Test session: a uniquely named PostgreSQL database and Redis prefix, dropped afterwards.

Uses the servers named by CH_DATABASE_URL / CH_REDIS_URL (or the local defaults). With CI=true
an unreachable server fails the run instead of skipping it.

Under pytest-xdist (`-n auto`) the controller finds (or starts) the servers once and migrates
one template database (while the workers start and collect); each worker clones it (CREATE
DATABASE ... TEMPLATE, about a second instead of running the migrations again: 37 s on a loaded
machine) into a database of its own, with a Redis prefix and var dir of its own, and drops them
at its end; the controller drops the template at the end of the run.
"""

import atexit
import fcntl
import os
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import database_url_for, ensure_servers

# Bytecode is written, whatever the environment says: with PYTHONDONTWRITEBYTECODE (set on
# the CI machine) each of the ~200 Python processes the suite starts (servers, workers, the
# CLI, bench) compiled the sources it imports again, 2.4 s of CPU for the schema alone.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# The run's id starts the name of everything it creates: ch_test_<run>, ch_test_<run>_template
# and, under xdist, ch_test_<run>_<worker's own id> (workers inherit the controller's environment).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
RUN = "PYTEST_CH_RUN"
if WORKER and RUN in os.environ:
    RUN_ID = f"{os.environ[RUN]}_{uuid.uuid4().hex[:6]}"
else:
    RUN_ID = os.environ[RUN] = uuid.uuid4().hex[:10]
# The servers the controller found (or started), handed to its xdist workers by environment.
SERVERS = ("PYTEST_CH_SERVER_DATABASE_URL", "PYTEST_CH_SERVER_REDIS_URL")
TEMPLATE = "PYTEST_CH_TEMPLATE_DATABASE_URL"
TEMPLATE_STATUS = "PYTEST_CH_TEMPLATE_STATUS"  # a file: "ready" or "failed: <why>"
LOCKS = "PYTEST_CH_LOCKS"  # the folder of the run's lock files (tests marked exclusive)
if WORKER and all(name in os.environ for name in SERVERS):
    SERVER_DB_URL, REDIS_URL = (os.environ[name] for name in SERVERS)
else:
    SERVER_DB_URL, REDIS_URL = ensure_servers()
    os.environ.update(dict(zip(SERVERS, (SERVER_DB_URL, REDIS_URL), strict=True)))
TEST_DB_URL = database_url_for(SERVER_DB_URL, f"ch_test_{RUN_ID}")
VAR_DIR = tempfile.mkdtemp(prefix="ch-test-var-")
atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)

os.environ.update(
    {
        "CH_DATABASE_URL": TEST_DB_URL,
        "CH_REDIS_URL": REDIS_URL,
        "CH_REDIS_PREFIX": f"ch-test-{RUN_ID}",
        "CH_VAR_DIR": VAR_DIR,
        "CH_EMAIL_BACKEND": "file",
        "CH_ARGON2_TIME_COST": "1",
        "CH_ARGON2_MEMORY_KIB": "1024",
        "CH_LOG_JSON": "false",
        "CH_PUBLIC_URL": "http://testserver",
        "CH_OUTBOX_STALE_SECONDS": "0",
        "CH_JOB_RETRY_BASE_SECONDS": "0",
        "CH_WEBHOOK_RETRY_SECONDS": "[0, 0, 0, 0, 0, 0, 0]",
        "CH_DEBUG": "false",
        # Every test signs in from 127.0.0.1: tests/budgets set the real limits back.
        "CH_LIMITS_SCALE": "1000",
        "CH_BUDGET_CAPACITY": "1000000000",
        "CH_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
        "CH_FEDERATION_ALLOWED_HOSTS": '["127.0.0.1"]',
    }
)

from app.config import get_settings  # noqa: E402

get_settings.cache_clear()

pytest_plugins = ["tests.fixtures"]


def _xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


_template_builder: list[threading.Thread] = []


def pytest_report_header(config: pytest.Config) -> str:
    return f"test databases: ch_test_{RUN_ID}* (dropped at the end)"


def pytest_configure(config: pytest.Config) -> None:
    """The xdist controller migrates the template its workers clone, in a thread while the
    workers start and collect; they wait for its status file."""
    if _xdist_controller(config) and not config.option.collectonly:
        template = database_url_for(SERVER_DB_URL, f"ch_test_{RUN_ID}_template")
        status = Path(VAR_DIR) / "template-status"
        os.environ.update({TEMPLATE: template, TEMPLATE_STATUS: str(status), LOCKS: VAR_DIR})
        _import_migrations()
        builder = threading.Thread(target=_build_template, args=(template, status), daemon=True)
        builder.start()
        _template_builder.append(builder)


def _import_migrations() -> None:
    """Imports what migrating needs in the main thread, before the builder thread starts.
    CPython 3.11's AST state is shared by threads: compiling modules in the builder while
    execnet parses sources here to start the workers once failed every worker with
    "SystemError: AST constructor recursion depth mismatch" (a fresh checkout, no .pyc yet)."""
    import importlib

    import app.migrate  # noqa: F401

    for path in sorted((Path(__file__).parent.parent / "migrations").glob("0*.py")):
        importlib.import_module(f"migrations.{path.stem}")


def _build_template(template: str, status: Path) -> None:
    import asyncio

    from app.migrate import create_database, migrate_database

    async def build() -> None:
        await create_database(template)
        await migrate_database(template)

    try:
        try:
            asyncio.run(build())
        except SystemError:  # the AST race above, should an import still meet it: once more
            asyncio.run(migrate_database(template))
        outcome = "ready"
    except BaseException as exc:  # reported to every worker, which then fails its session
        outcome = f"failed: {exc!r}"
    written = status.with_suffix(".tmp")
    written.write_text(outcome)
    written.replace(status)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _xdist_controller(config) and TEMPLATE in os.environ:
        import asyncio

        from app.migrate import drop_database

        for builder in _template_builder:
            builder.join(600)
        asyncio.run(drop_database(os.environ.pop(TEMPLATE)))


def _wait_for_template() -> None:
    """Until the controller has finished migrating the template (or failed to)."""
    import time

    status = Path(os.environ[TEMPLATE_STATUS])
    deadline = time.monotonic() + 600
    while not status.exists():
        assert time.monotonic() < deadline, "the template database was not migrated in 600 s"
        time.sleep(0.1)
    if (outcome := status.read_text()) != "ready":
        raise RuntimeError(f"migrating the template database {outcome}")


async def _clone_template(template_url: str, database_url: str) -> None:
    """CREATE DATABASE ... TEMPLATE: the migrated schema (and rows) of the template."""
    import asyncpg

    from app.migrate import _server_url, database_name

    _wait_for_template()
    conn = await asyncpg.connect(_server_url(database_url, "postgres"))
    try:
        await conn.execute(
            f'CREATE DATABASE "{database_name(database_url)}"'
            f' TEMPLATE "{database_name(template_url)}"'
        )
    finally:
        await conn.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """Under xdist a test marked `exclusive` (it asserts a time limit) runs while no other
    worker runs a test; the others run side by side."""
    if not (WORKER and LOCKS in os.environ):
        return (yield)
    with _turn(exclusive=item.get_closest_marker("exclusive") is not None):
        return (yield)


@contextmanager
def _turn(*, exclusive: bool) -> Iterator[None]:
    """A readers-writer lock between the workers (flock on two files of the controller's var
    dir): every test holds `tests` shared, an exclusive one holds it alone. A waiting
    exclusive test keeps the `turnstile`, so that new tests wait behind it."""
    folder = Path(os.environ[LOCKS])
    with (
        (folder / "turnstile.lock").open("a") as turnstile,
        (folder / "tests.lock").open("a") as tests,
    ):
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(tests, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(tests, fcntl.LOCK_UN)


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[str]:
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.migrate import create_database, drop_database, migrate_database

    template = os.environ.get(TEMPLATE) if WORKER else None
    try:
        if template:
            await _clone_template(template, TEST_DB_URL)
        else:
            await create_database(TEST_DB_URL)
            await migrate_database(TEST_DB_URL)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        yield TEST_DB_URL
        await Tortoise.close_connections()
    finally:
        await drop_database(TEST_DB_URL)
        await _drop_redis_keys()
        shutil.rmtree(os.environ["CH_VAR_DIR"], ignore_errors=True)


async def _drop_redis_keys() -> None:
    """Deletes this run's queue, job and result keys (never anybody else's)."""
    import redis.asyncio as aioredis

    prefix = os.environ["CH_REDIS_PREFIX"]
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        for pattern in (f"{prefix}*", f"arq:*:{prefix}:*"):
            async for key in client.scan_iter(match=pattern, count=500):
                await client.delete(key)
    finally:
        await client.aclose()
