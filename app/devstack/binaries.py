"""Find the server programs `communityhub dev` runs, or say exactly how to install them."""

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from glob import glob
from pathlib import Path

POSTGRES_PROGRAMS = ("initdb", "pg_ctl", "postgres")
REDIS_PROGRAM = "redis-server"
# Searched after PATH, highest version first: Debian/Ubuntu, then Homebrew's keg-only formulae.
POSTGRES_DIR_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)

POSTGRES_HELP = """\
  PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH
  nor under /usr/lib/postgresql/*/bin. Install them:
      Debian/Ubuntu:  sudo apt-get install postgresql
      macOS:          brew install postgresql@15"""

REDIS_HELP = """\
  The Redis server (redis-server) was not found on PATH. Install it:
      Debian/Ubuntu:  sudo apt-get install redis-server
      macOS:          brew install redis"""

FOOTER = """\
Or run everything in containers instead:  docker compose up
Or use servers you already run:  set CH_DATABASE_URL and CH_REDIS_URL."""


class MissingBinaryError(RuntimeError):
    """A server program is missing; the message says how to install it."""


@dataclass(frozen=True)
class PostgresBinaries:
    initdb: Path
    pg_ctl: Path
    postgres: Path


@dataclass(frozen=True)
class DevBinaries:
    postgres: PostgresBinaries
    redis_server: Path


def _is_executable(path: Path) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)  # False for unreadable PATH dirs


def _version_key(directory: str) -> tuple[int, ...]:
    """(15,) for .../postgresql/15/bin or .../postgresql@15/bin."""
    match = re.search(r"(\d+(?:\.\d+)*)", Path(directory).parent.name)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def _path_dirs(path: str | None) -> list[str]:
    value = os.environ.get("PATH", os.defpath) if path is None else path
    return [entry for entry in value.split(os.pathsep) if entry]


def _candidate_dirs(path: str | None, dir_globs: Iterable[str]) -> list[Path]:
    found: list[str] = []
    for pattern in dir_globs:
        found.extend(sorted(glob(pattern), key=_version_key, reverse=True))
    return [Path(entry) for entry in [*_path_dirs(path), *found]]


def find_postgres(
    *, path: str | None = None, dir_globs: Sequence[str] = POSTGRES_DIR_GLOBS
) -> PostgresBinaries | None:
    """The first directory (PATH, then versioned install dirs) holding all three programs."""
    for directory in _candidate_dirs(path, dir_globs):
        programs = [directory / name for name in POSTGRES_PROGRAMS]
        if all(_is_executable(program) for program in programs):
            return PostgresBinaries(*programs)
    return None


def find_redis(*, path: str | None = None) -> Path | None:
    for directory in _path_dirs(path):
        program = Path(directory) / REDIS_PROGRAM
        if _is_executable(program):
            return program
    return None


def find_dev_binaries(
    *, path: str | None = None, dir_globs: Sequence[str] = POSTGRES_DIR_GLOBS
) -> DevBinaries:
    """Both servers' programs, or a MissingBinaryError naming every missing one."""
    postgres = find_postgres(path=path, dir_globs=dir_globs)
    redis_server = find_redis(path=path)
    if postgres is not None and redis_server is not None:
        return DevBinaries(postgres=postgres, redis_server=redis_server)
    missing = [
        *([POSTGRES_HELP] if postgres is None else []),
        *([REDIS_HELP] if redis_server is None else []),
    ]
    raise MissingBinaryError(
        "`communityhub dev` runs a private PostgreSQL and Redis under var/ and needs their "
        "server programs:\n" + "\n".join(missing) + "\n" + FOOTER
    )
