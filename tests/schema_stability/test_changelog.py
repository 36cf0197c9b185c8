"""The changelog is generated from the SDL's git history."""

import subprocess
from pathlib import Path

from schema.stability.changelog import entries, render, sdl_history

V1 = "type Query { hub: Hub }\ntype Hub { slug: String! name: String! }\n"
V2 = (
    "type Query { hub: Hub }\n"
    'type Hub { slug: String! name: String! @deprecated(reason: "Use title. Removal: 2027-01-01.")'
    " title: String! }\n"
)
V3 = "type Query { hub: Hub }\ntype Hub { slug: String! title: String! }\n"


def _commit(repo: Path, sdl: str, message: str) -> None:
    (repo / "schema").mkdir(exist_ok=True)
    (repo / "schema" / "schema.graphql").write_text(sdl)
    subprocess.run(["git", "-C", str(repo), "add", "schema/schema.graphql"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            message,
        ],
        check=True,
    )


def test_each_commit_that_changed_the_sdl_is_an_entry_with_its_changes(tmp_path: Path) -> None:
    # given a repository where Hub.title was added, Hub.name deprecated, then removed
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _commit(tmp_path, V1, "First schema")
    _commit(tmp_path, V2, "Hub.title; Hub.name deprecated")
    (tmp_path / "other.txt").write_text("unrelated")
    _commit(tmp_path, V3, "Hub.name removed")
    # when
    history = sdl_history(repo=tmp_path)
    found = entries(history)
    text = render(found, intended=frozenset({"Field Hub.name was removed."}))
    # then
    assert [version.subject for version in history] == [
        "First schema",
        "Hub.title; Hub.name deprecated",
        "Hub.name removed",
    ]
    assert [[change.severity for change in entry.changes] for entry in found] == [
        ["DEPRECATED", "ADDED"],
        ["BREAKING"],
    ]
    assert "- Added: Hub.title was added." in text
    assert "- Deprecated: Hub.name is deprecated: Use title. Removal: 2027-01-01." in text
    assert "- BREAKING (intended, FIELD_REMOVED): Field Hub.name was removed." in text
    assert text.index("Hub.name removed") < text.index("Hub.title; Hub.name deprecated")
