"""The README's configuration table lists every setting."""

from pathlib import Path

from app.config import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"CH_{n.upper()}" for n in Settings.model_fields if f"`CH_{n.upper()}`" not in README
    ]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "python3 -m pip install uv && uv run --locked pytest" in README
    assert "python3 -m pip install uv && uv run --locked pytest" in ci
