"""`communityhub dev` end to end: from an empty var dir to a verified sign-in, then Ctrl-C.

Runs the real command as a subprocess with no CH_DATABASE_URL/CH_REDIS_URL, so it creates a
private PostgreSQL cluster and Redis under a temporary CH_VAR_DIR, migrates, loads the demo
hub, and serves the API and a worker. Afterwards nothing it started may be left running.
"""

import contextlib
import email
import email.policy
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.devstack import pid_alive
from app.devstack.binaries import MissingBinaryError, find_dev_binaries

STARTUP_SECONDS = 90
MAIL_SECONDS = 30
STOP_SECONDS = 60

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) { member { id } errors { code field message } }
}"""
LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken errors { code message } }
}"""
VIEWER = "{ viewer { displayName emailVerified } }"
EMAIL = "newbie@example.org"
PASSWORD = "correct horse battery staple"


def _require_binaries() -> None:
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("needs /proc to check that nothing is left running")
    try:
        find_dev_binaries()
    except MissingBinaryError as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"PostgreSQL or Redis server programs missing:\n{exc}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _processes() -> Iterator[tuple[int, str, bytes]]:
    """(pid, command line, environment) of every process we may read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = b""
            with contextlib.suppress(OSError):
                environ = (entry / "environ").read_bytes()
            yield int(entry.name), cmdline, environ


def _leftovers(var_dir: Path, ports: list[int]) -> dict[int, str]:
    """Processes whose command line names the var dir or one of the ports, or whose
    environment has our CH_VAR_DIR (the worker's command line names neither)."""
    marker = f"CH_VAR_DIR={var_dir}".encode()
    port_patterns = [re.compile(rf"(?<![\d.]){port}(?!\d)") for port in ports]
    found = {}
    for pid, cmdline, environ in _processes():
        if not pid_alive(pid):
            continue
        if (
            str(var_dir) in cmdline
            or any(pattern.search(cmdline) for pattern in port_patterns)
            or marker in environ.split(b"\0")
        ):
            found[pid] = cmdline
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _read_int(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(path.read_text().split()[0])
    return None


def _graphql(
    client: httpx.Client, query: str, variables: dict[str, object] | None = None, token: str = ""
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    data: dict[str, object] = body["data"]
    return data


def _verification_link(mail_dir: Path, port: int, log: Path) -> str:
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}/auth/verify-email\?token=[^\s\"'<>]+")
    deadline = time.monotonic() + MAIL_SECONDS
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for part in message.walk():
                if part.get_content_maintype() != "text":
                    continue
                match = pattern.search(part.get_content())  # type: ignore[attr-defined]
                if match:
                    return html.unescape(match.group(0))
        time.sleep(0.25)
    pytest.fail(f"no verification mail in {mail_dir} after {MAIL_SECONDS} s\n{_tail(log)}")


def _tail(log: Path, lines: int = 60) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no output)"


def _wait_healthy(client: httpx.Client, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`communityhub dev` exited with {process.returncode}\n{_tail(log)}")
        with contextlib.suppress(httpx.TransportError):
            if client.get("/healthz").status_code == 200:
                return
        time.sleep(0.25)
    pytest.fail(f"/healthz not 200 within {STARTUP_SECONDS} s\n{_tail(log)}")


def test_dev_runs_everything_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    _require_binaries()
    var_dir = tmp_path / "var"
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CH_")}
    env.update(
        {
            "CH_VAR_DIR": str(var_dir),
            "CH_EMAIL_BACKEND": "file",
            "CH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    log = tmp_path / "dev.log"
    ports = [port]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,  # no stray .env
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    postmaster: int | None = None
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=15, trust_env=False
        ) as client:
            _wait_healthy(client, process, log)
            postmaster = _read_int(var_dir / "postgres" / "data" / "postmaster.pid")
            pg_port = _read_int(var_dir / "postgres" / "port")
            redis_port = _read_int(var_dir / "redis" / "port")
            assert postmaster and pg_port and redis_port, _tail(log)
            ports += [pg_port, redis_port]

            registered = _graphql(
                client,
                REGISTER,
                {
                    "input": {
                        "hubSlug": "demo",
                        "email": EMAIL,
                        "password": PASSWORD,
                        "displayName": "Newbie",
                    }
                },
            )["register"]
            assert registered["errors"] == [], registered  # type: ignore[index]
            assert registered["member"]["id"], registered  # type: ignore[index]

            link = _verification_link(var_dir / "mail", port, log)
            page = client.get(link)  # shows a confirm button; a GET uses nothing up
            assert page.status_code == 200 and "<form" in page.text, page.text
            verified = client.post(link.split("?")[0], data={"token": link.split("token=")[1]})
            assert verified.status_code == 200, verified.text

            login = _graphql(
                client, LOGIN, {"input": {"hubSlug": "demo", "email": EMAIL, "password": PASSWORD}}
            )["login"]
            assert login["errors"] == [], login  # type: ignore[index]
            token = login["accessToken"]  # type: ignore[index]
            assert token, login
            viewer = _graphql(client, VIEWER, token=token)["viewer"]
            assert viewer == {"displayName": "Newbie", "emailVerified": True}

        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`communityhub dev` still running {STOP_SECONDS} s after SIGINT")
        assert code == 0, _tail(log)

        assert _leftovers(var_dir, ports) == {}, _tail(log)
        assert not pid_alive(postmaster), f"postmaster {postmaster} still runs"
        for leftover in ports:
            assert not _port_open(leftover), f"port {leftover} still open"
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        _kill(list(_leftovers(var_dir, ports)))
        if postmaster and pid_alive(postmaster):
            _kill([postmaster])
