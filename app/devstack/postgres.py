"""A private PostgreSQL cluster under <var>/postgres, started and stopped with pg_ctl."""

import contextlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from app.devstack import DevServerError, free_port, log_tail, pid_alive, read_int, say
from app.devstack.binaries import PostgresBinaries

DATABASE = "communityhub"
SUPERUSER = "postgres"
# Users to run the cluster as when we are root (initdb and postgres refuse to run as root).
UNPRIVILEGED_USERS = ("postgres", "nobody")


@dataclass(frozen=True)
class RunAs:
    name: str
    uid: int
    gid: int


def _run_as(data_dir: Path) -> RunAs | None:
    """None unless root; then the owner of an existing cluster, else an unprivileged user."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(OSError):
        owner = data_dir.stat()
        if owner.st_uid != 0:
            try:
                name = pwd.getpwuid(owner.st_uid).pw_name
            except KeyError:
                name = str(owner.st_uid)
            return RunAs(name, owner.st_uid, owner.st_gid)
    for name in UNPRIVILEGED_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunAs(name, entry.pw_uid, entry.pw_gid)
    raise DevServerError(
        "running as root, and PostgreSQL refuses to run as root; create a 'postgres' user "
        "(sudo useradd --system postgres) or run `communityhub dev` as a normal user"
    )


def _make_reachable(path: Path, user: RunAs) -> None:
    """Add the search (x) bit `user` needs on every ancestor of `path` that lacks it."""
    for ancestor in reversed(path.parents):
        mode = ancestor.stat()
        if mode.st_uid == user.uid:
            needed = stat.S_IXUSR
        elif mode.st_gid == user.gid:
            needed = stat.S_IXGRP
        else:
            needed = stat.S_IXOTH
        if not mode.st_mode & needed:
            os.chmod(ancestor, stat.S_IMODE(mode.st_mode) | needed)
            say(f"made {ancestor} searchable so user {user.name} can reach {path}")


class PrivatePostgres:
    """initdb on first use, then pg_ctl start/stop on 127.0.0.1 and a free port."""

    def __init__(self, binaries: PostgresBinaries, root: Path) -> None:
        self.binaries = binaries
        self.root = root.resolve()
        self.data_dir = self.root / "data"
        self.log_file = self.root / "postgres.log"
        self.port_file = self.root / "port"
        self.port: int | None = None
        self._user: RunAs | None = None

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> str:
        """Start the cluster (creating it on first use) and return its database URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        user = self._run_as()
        if user is not None:
            os.chown(self.root, user.uid, user.gid)
            _make_reachable(self.root, user)
        if not (self.data_dir / "PG_VERSION").is_file():
            self._initdb()
        self._check_version()
        if self._run(self._pg_ctl("status")).returncode == 0:
            say("stopping a PostgreSQL an earlier dev run left running")
            self.stop()
        self._start_server()
        return self.url

    def _start_server(self, attempts: int = 3) -> None:
        for attempt in range(1, attempts + 1):
            self.port = free_port(read_int(self.port_file))
            offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            options = f"-p {self.port} -h 127.0.0.1 -k ''"
            result = self._run(
                self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log_file), "-o", options)
            )
            if result.returncode == 0:
                self.port_file.write_text(f"{self.port}\n")
                return
            tail = log_tail(self.log_file, start=offset)
            if "could not bind" not in tail or attempt == attempts:
                raise DevServerError(
                    f"PostgreSQL did not start (pg_ctl exit {result.returncode}); "
                    f"{self.log_file} says:\n{tail}\n{result.stdout}{result.stderr}".rstrip()
                )
            self.port_file.unlink(missing_ok=True)

    def stop(self) -> None:
        """Fast shutdown; if pg_ctl fails, an immediate one, then SIGKILL. Safe to call twice."""
        pid = self.postmaster_pid()
        if pid is None or not pid_alive(pid):
            return
        result = self._run(self._pg_ctl("stop", "-m", "fast", "-w", "-t", "30"))
        deadline = time.monotonic() + 5.0
        while result.returncode == 0 and pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # the pid file goes just before the process exits
        if not pid_alive(pid):
            return
        say(f"pg_ctl stop failed ({result.stderr.strip()}); killing postmaster {pid}")
        for signum in (signal.SIGQUIT, signal.SIGKILL):  # immediate shutdown, then kill
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
            deadline = time.monotonic() + 5.0
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if not pid_alive(pid):
                return

    def running(self) -> bool:
        pid = self.postmaster_pid()
        return pid is not None and pid_alive(pid)

    def postmaster_pid(self) -> int | None:
        try:
            first = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            return int(first)
        except (OSError, ValueError):
            return None

    def _initdb(self) -> None:
        staging = self.root / "data.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        say(f"creating a PostgreSQL cluster in {self.data_dir}")
        result = self._run(
            [
                str(self.binaries.initdb),
                "-D",
                str(staging),
                "--auth=trust",
                "-U",
                SUPERUSER,
                "--encoding=UTF8",
                "--locale=C",
            ]
        )
        if result.returncode != 0:
            raise DevServerError(f"initdb failed:\n{result.stdout}{result.stderr}".rstrip())
        staging.rename(self.data_dir)

    def _check_version(self) -> None:
        cluster = (self.data_dir / "PG_VERSION").read_text().strip()
        result = self._run([str(self.binaries.postgres), "--version"])
        match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
        if match and match.group(1) != cluster:
            raise DevServerError(
                f"{self.data_dir} was made by PostgreSQL {cluster}, but {self.binaries.postgres} "
                f"is {match.group(1)}. Install PostgreSQL {cluster}, or delete {self.root} to "
                "start afresh (this deletes the dev data)."
            )

    def _run_as(self) -> RunAs | None:
        if self._user is None:
            self._user = _run_as(self.data_dir)
        return self._user

    def _pg_ctl(self, action: str, *args: str) -> list[str]:
        return [str(self.binaries.pg_ctl), action, "-D", str(self.data_dir), *args]

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        user = self._run_as()
        return subprocess.run(
            args,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            start_new_session=True,  # a terminal Ctrl-C must not reach pg_ctl or the postmaster
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=[] if user else None,
        )
