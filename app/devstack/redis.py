"""A private Redis server under <var>/redis: a child process on 127.0.0.1, nothing persisted."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from app.devstack import DevServerError, die_with_parent, free_port, log_tail, read_int, say


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _command_line(pid: int) -> str | None:
    """The command line of `pid` (Linux /proc, else ps), or None if it is not running."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return None
    except OSError:
        return None
    result = subprocess.run(
        ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


class PrivateRedis:
    """`redis-server` bound to 127.0.0.1 on a free port, without snapshots or an AOF."""

    def __init__(self, redis_server: Path, root: Path) -> None:
        self.redis_server = redis_server
        self.root = root.resolve()
        self.log_file = self.root / "redis.log"
        self.pid_file = self.root / "redis.pid"
        self.port_file = self.root / "port"
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> str:
        """Start Redis, wait until it answers PING and return its URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._stop_orphan()
        self.port = free_port(read_int(self.port_file))
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        args = [
            str(self.redis_server),
            *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.root)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            *("--logfile", str(self.log_file), "--pidfile", str(self.pid_file)),
        ]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                args,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # a terminal Ctrl-C is for run_dev, which stops us in turn
                preexec_fn=die_with_parent(),
            )
        deadline = time.monotonic() + timeout
        while not _ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise DevServerError(
                    f"Redis did not start; {self.log_file} says:\n"
                    + log_tail(self.log_file, start=offset)
                )
            time.sleep(0.05)
        self.port_file.write_text(f"{self.port}\n")
        return self.url

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds. Safe to call twice."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            say(f"Redis did not stop within {timeout:.0f} s; killing it")
            process.kill()
            process.wait()

    def _stop_orphan(self) -> None:
        """Stop a Redis that an earlier, killed dev run left behind (found by its pid file)."""
        pid = read_int(self.pid_file)
        command = _command_line(pid) if pid else None
        if pid is None or command is None or "redis-server" not in command:
            return
        say(f"stopping a Redis an earlier dev run left running (pid {pid})")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10.0
        while "redis-server" in (_command_line(pid) or "") and time.monotonic() < deadline:
            time.sleep(0.1)
        if "redis-server" in (_command_line(pid) or ""):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
