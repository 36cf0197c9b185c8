"""`communityhub dev`: private servers, migrations and demo data, then the API and a worker.

Every process we start runs in its own session, so a terminal Ctrl-C reaches only this one,
which then stops the others in order: API and worker, Redis, PostgreSQL.
"""

import asyncio
import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from app.config import Settings, get_settings
from app.devstack import DevServerError, die_with_parent, say
from app.devstack.binaries import MissingBinaryError, find_dev_binaries
from app.devstack.postgres import PrivatePostgres
from app.devstack.redis import PrivateRedis

CHILD_STOP_SECONDS = 10.0


class _Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A KeyboardInterrupt, so asyncio and `except Exception` let it
    through."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """Turn SIGINT/SIGTERM into _Interrupted, except inside `deferred()` or once stopping."""

    def __init__(self) -> None:
        self.stopping = False
        self._deferring = 0
        self._pending: int | None = None
        self._previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            return  # already stopping everything
        if self._deferring:
            self._pending = signum
            return
        raise _Interrupted(signum)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Let a step that starts a process finish (and be registered for cleanup) first."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1
        if not self._deferring and self._pending is not None:
            raise _Interrupted(self._pending)


@dataclass
class _Child:
    name: str
    process: subprocess.Popen[bytes]


def _kill_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _stop_children(children: list[_Child]) -> None:
    """SIGTERM each child's process group, wait up to CHILD_STOP_SECONDS, then SIGKILL."""
    for child in children:
        if child.process.poll() is None:
            _kill_group(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + CHILD_STOP_SECONDS
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"the {child.name} did not stop within {CHILD_STOP_SECONDS:.0f} s; killing it")
            _kill_group(child.process.pid, signal.SIGKILL)
            child.process.wait()
        _kill_group(child.process.pid, signal.SIGKILL)  # anything it left in its group


def _safely(step: Callable[[], object], what: str) -> Callable[[], None]:
    """A cleanup step whose failure is reported but does not skip the steps after it."""

    def run() -> None:
        try:
            step()
        except Exception as exc:
            say(f"could not {what}: {exc}")

    return run


def _lock(var_dir: Path) -> IO[bytes]:
    """Hold var/dev.lock for this run, so two dev runs never share one set of servers."""
    handle = (var_dir / "dev.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DevServerError(
            f"another `communityhub dev` is using {var_dir}; stop it first, "
            "or give this one its own CH_VAR_DIR"
        ) from None
    return handle


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise DevServerError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
            ) from None


def _browser_host(host: str) -> str:
    if host in {"0.0.0.0", ""}:
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


async def _prepare(database_url: str, *, create: bool, demo: bool) -> None:
    from app.migrate import create_database, migrate_database

    if create and await create_database(database_url):
        say("created database communityhub")
    say("applying migrations")
    await migrate_database(database_url)
    if demo:
        from app.demo import load_demo_hub
        from app.runtime import with_orm

        say("loading the demo hub")
        await with_orm(load_demo_hub)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _banner(settings: Settings, *, api: str, database_url: str, redis_url: str) -> str:
    mail = {
        "file": f"written as .eml files to {settings.mail_dir}",
        "log": "written to the log (CH_EMAIL_BACKEND=log)",
        "smtp": f"sent through {settings.smtp_host}:{settings.smtp_port}",
    }[settings.email_backend]
    return "\n".join(
        [
            "",
            "  Community Hub is running.",
            f"    GraphQL (GraphiQL in a browser)  {api}/graphql",
            f"    Mail                             {mail}",
            f"    PostgreSQL                       {_without_password(database_url)}",
            f"    Redis                            {_without_password(redis_url)}",
            "  Press Ctrl-C to stop everything.",
            "",
        ]
    )


def _supervise(
    children: list[_Child], postgres: PrivatePostgres | None, redis: PrivateRedis | None
) -> int:
    """Wait until a child or private server dies; return the exit code for `dev`."""
    while True:
        for child in children:
            code = child.process.poll()
            if code is not None:
                say(f"the {child.name} exited with code {code}; stopping everything")
                return code if code > 0 else 1
        for server, name in ((postgres, "PostgreSQL"), (redis, "Redis")):
            if server is not None and not server.running():
                say(f"{name} stopped unexpectedly; stopping everything")
                return 1
        time.sleep(0.25)


def _run(cleanup: ExitStack, signals: _Signals, *, host: str, port: int, demo: bool) -> int:
    settings = get_settings()
    var_dir = settings.var_dir.resolve()
    _check_port_free(host, port)
    postgres: PrivatePostgres | None = None
    redis: PrivateRedis | None = None
    if {"database_url", "redis_url"} <= settings.model_fields_set:
        database_url, redis_url = settings.database_url, settings.redis_url
        say("using CH_DATABASE_URL and CH_REDIS_URL; starting no private servers")
    else:
        binaries = find_dev_binaries()
        var_dir.mkdir(parents=True, exist_ok=True)
        cleanup.enter_context(_lock(var_dir))
        postgres = PrivatePostgres(binaries.postgres, var_dir / "postgres")
        redis = PrivateRedis(binaries.redis_server, var_dir / "redis")
        cleanup.callback(say, "everything is stopped")
        cleanup.callback(_safely(postgres.stop, "stop PostgreSQL"))
        cleanup.callback(_safely(redis.stop, "stop Redis"))
        with signals.deferred():
            database_url = postgres.start()
        say(f"PostgreSQL is up on 127.0.0.1:{postgres.port} (data in {postgres.data_dir})")
        with signals.deferred():
            redis_url = redis.start()
        say(f"Redis is up on 127.0.0.1:{redis.port}")

    api = f"http://{_browser_host(host)}:{port}"
    overrides = {
        "CH_DATABASE_URL": database_url,
        "CH_REDIS_URL": redis_url,
        "CH_DEBUG": "true",
        "CH_GRAPHIQL": "true",
        "CH_VAR_DIR": str(var_dir),
    }
    if "log_json" not in settings.model_fields_set:
        overrides["CH_LOG_JSON"] = "false"  # a laptop terminal: readable lines
    if "public_url" not in settings.model_fields_set:
        overrides["CH_PUBLIC_URL"] = api
    os.environ.update(overrides)  # for the migrations and demo data here, and the children
    get_settings.cache_clear()
    settings = get_settings()
    settings.mail_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(_prepare(database_url, create=postgres is not None, demo=demo))

    children: list[_Child] = []
    if postgres is None:
        cleanup.callback(say, "everything is stopped")
    cleanup.callback(_safely(lambda: _stop_children(children), "stop the API and worker"))
    commands = {
        "API": [sys.executable, "-m", "app", "serve", "--host", host, "--port", str(port)],
        "worker": [sys.executable, "-m", "app", "worker"],
    }
    for name, command in commands.items():
        with signals.deferred():
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent(),
            )
            children.append(_Child(name, process))
    print(
        _banner(settings, api=api, database_url=database_url, redis_url=redis_url), file=sys.stderr
    )
    return _supervise(children, postgres, redis)


def run_dev(*, host: str, port: int, demo: bool) -> int:
    """Run `communityhub dev` until Ctrl-C/SIGTERM (exit 0) or until a process dies."""
    signals = _Signals()
    signals.install()
    cleanup = ExitStack()
    try:
        return _run(cleanup, signals, host=host, port=port, demo=demo)
    except _Interrupted as exc:
        say(f"{signal.Signals(exc.signum).name} received; stopping everything")
        return 0
    except MissingBinaryError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DevServerError as exc:
        say(str(exc))
        return 1
    except Exception:
        traceback.print_exc()
        say("startup failed; stopping everything")
        return 1
    finally:
        signals.stopping = True
        try:
            cleanup.close()
        finally:
            signals.restore()
