"""ruff (lint and format) and mypy stay clean: CI fails otherwise."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PATHS = ["app", "schema", "workers", "tests", "bench"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint() -> None:
    result = _run("ruff", "check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = _run("mypy", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr
