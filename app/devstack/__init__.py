"""Private PostgreSQL and Redis servers and process supervision for `communityhub dev`."""

import contextlib
import ctypes
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path


class DevServerError(RuntimeError):
    """A private server could not be set up; the message says why (no traceback needed)."""


def say(message: str) -> None:
    """Print one line of `communityhub dev` progress to stderr."""
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def free_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """`preferred` if nothing listens on it, else a port the kernel says is free now."""
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, candidate))
            except OSError:
                continue
            port: int = sock.getsockname()[1]
            return port
    raise DevServerError(f"no free TCP port on {host}")


def pid_alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (exited, not yet reaped by a lax init) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def read_int(path: Path) -> int | None:
    """The integer a small state file (a port, a pid) holds, or None."""
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None


def log_tail(path: Path, *, start: int = 0, lines: int = 20) -> str:
    """The last lines of a log file from byte offset `start`, indented for an error message."""
    try:
        with path.open("rb") as handle:
            handle.seek(start)
            text = handle.read().decode(errors="replace")
    except OSError:
        return "    (no log)"
    return "\n".join(f"    {line}" for line in text.splitlines()[-lines:]) or "    (log is empty)"


def die_with_parent() -> Callable[[], None] | None:
    """A Popen preexec_fn that makes the kernel SIGTERM the child when this process dies, even
    by SIGKILL (Linux only; None elsewhere), so a killed `communityhub dev` strands nothing."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec
