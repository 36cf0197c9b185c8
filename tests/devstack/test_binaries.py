"""The dev stack finds PostgreSQL and Redis programs, or says exactly how to install them."""

import os
from pathlib import Path

import pytest

from app.devstack.binaries import (
    MissingBinaryError,
    find_dev_binaries,
    find_postgres,
    find_redis,
)


def _program(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


def _postgres_in(directory: Path) -> None:
    for name in ("initdb", "pg_ctl", "postgres"):
        _program(directory, name)


def _missing(tmp_path: Path, **kwargs: object) -> str:
    with pytest.raises(MissingBinaryError) as caught:
        find_dev_binaries(**kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_nothing_installed_says_how_to_install_both(tmp_path: Path) -> None:
    message = _missing(tmp_path, path=str(tmp_path / "empty"), dir_globs=())

    assert "sudo apt-get install postgresql" in message
    assert "brew install postgresql@15" in message
    assert "sudo apt-get install redis-server" in message
    assert "brew install redis" in message
    assert "docker compose up" in message
    assert "initdb, pg_ctl, postgres" in message
    assert "Traceback" not in message


def test_only_redis_missing_mentions_only_redis(tmp_path: Path) -> None:
    _postgres_in(tmp_path / "bin")

    message = _missing(tmp_path, path=str(tmp_path / "bin"), dir_globs=())

    assert "sudo apt-get install redis-server" in message
    assert "brew install redis" in message
    assert "docker compose up" in message
    assert "apt-get install postgresql" not in message
    assert "initdb" not in message


def test_only_postgres_missing_mentions_only_postgres(tmp_path: Path) -> None:
    _program(tmp_path / "bin", "redis-server")

    message = _missing(tmp_path, path=str(tmp_path / "bin"), dir_globs=())

    assert "sudo apt-get install postgresql" in message
    assert "brew install postgresql@15" in message
    assert "docker compose up" in message
    assert "redis-server" not in message


def test_postgres_needs_all_three_programs_in_one_directory(tmp_path: Path) -> None:
    _program(tmp_path / "a", "initdb")
    _program(tmp_path / "a", "pg_ctl")
    _program(tmp_path / "b", "postgres")
    path = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])

    assert find_postgres(path=path, dir_globs=()) is None


def test_non_executable_files_do_not_count(tmp_path: Path) -> None:
    _postgres_in(tmp_path / "bin")
    (tmp_path / "bin" / "pg_ctl").chmod(0o644)
    (tmp_path / "bin" / "redis-server").write_text("")

    assert find_postgres(path=str(tmp_path / "bin"), dir_globs=()) is None
    assert find_redis(path=str(tmp_path / "bin")) is None


def test_versioned_directories_highest_first(tmp_path: Path) -> None:
    for version in ("9.6", "13", "15", "16.1"):
        _postgres_in(tmp_path / "lib" / version / "bin")
    dir_globs = [str(tmp_path / "lib" / "*" / "bin")]

    found = find_postgres(path=str(tmp_path / "empty"), dir_globs=dir_globs)

    assert found is not None
    assert found.initdb == tmp_path / "lib" / "16.1" / "bin" / "initdb"


def test_path_wins_over_versioned_directories(tmp_path: Path) -> None:
    _postgres_in(tmp_path / "bin")
    _postgres_in(tmp_path / "lib" / "17" / "bin")
    _program(tmp_path / "bin", "redis-server")

    found = find_dev_binaries(
        path=str(tmp_path / "bin"), dir_globs=[str(tmp_path / "lib" / "*" / "bin")]
    )

    assert found.postgres.pg_ctl == tmp_path / "bin" / "pg_ctl"
    assert found.redis_server == tmp_path / "bin" / "redis-server"


def test_default_path_is_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _postgres_in(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    message = _missing(tmp_path, dir_globs=())

    assert "redis-server" in message
    assert "sudo apt-get install postgresql" not in message


def test_dev_prints_the_message_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.config import get_settings
    from app.devstack import binaries, runner

    for name in ("CH_DATABASE_URL", "CH_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CH_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(binaries, "POSTGRES_DIR_GLOBS", ())
    monkeypatch.setattr(
        runner, "find_dev_binaries", lambda: binaries.find_dev_binaries(dir_globs=())
    )
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        code = runner.run_dev(host="127.0.0.1", port=0, demo=False)
    finally:
        get_settings.cache_clear()

    err = capsys.readouterr().err
    assert code == 2
    assert "sudo apt-get install postgresql" in err
    assert "sudo apt-get install redis-server" in err
    assert "docker compose up" in err
    assert "Traceback" not in err
    assert not (tmp_path / "var" / "postgres").exists()
