"""The README's configuration table lists every setting."""

from pathlib import Path

from app.config import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"CH_{n.upper()}" for n in Settings.model_fields if f"`CH_{n.upper()}`" not in README
    ]
    assert missing == []


TEST_COMMAND = "python3 -m pip install uv && uv run --locked pytest -n auto --maxschedchunk 1"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert f"```sh\n{TEST_COMMAND}\n```" in README
    assert ci.rstrip().splitlines()[-1] == TEST_COMMAND


def test_every_demo_account_is_listed_with_its_password() -> None:
    from app.demo import DEMO_PASSWORD, PEOPLE

    missing = [p.email for p in PEOPLE if f"`{p.email}`" not in README]
    assert missing == []
    assert f"`{DEMO_PASSWORD}`" in README


def test_the_hub_and_admin_example_runs_as_written_without_a_terminal() -> None:
    import os
    import re
    import shlex
    import subprocess
    import sys
    import uuid

    # given: the README's create-hub and create-admin commands, in a fresh hub
    block = next(b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if "create-admin" in b)
    commands = [shlex.split(c) for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    assert [c[:2] for c in commands] == [
        ["communityhub", "create-hub"],
        ["communityhub", "create-admin"],
    ]
    slug = f"readme-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "ADMIN_PASSWORD": "a long enough secret passphrase"}
    for command in commands:
        args = [slug if a == "manchester" else a for a in command[1:]]
        args = [a.replace("$ADMIN_PASSWORD", env["ADMIN_PASSWORD"]) for a in args]
        # when: run with no terminal (stdin closed), as in a script or a container
        done = subprocess.run(
            [sys.executable, "-m", "app", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        # then
        assert done.returncode == 0, done.stdout + done.stderr
    assert "Created hub admin admin@example.org" in done.stdout
