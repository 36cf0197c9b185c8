"""The schema keeps its promise: no breaking change against the last release unless intended."""

from pathlib import Path

from schema.stability.release import (
    CURRENT_SDL,
    Release,
    load_release,
    unintended_breaking_changes,
)

RELEASED_WITH_FIELD = """
type Query { hub(slug: String!): Hub }
type Hub { slug: String! name: String! privacyK: Int! }
"""
CURRENT_WITHOUT_FIELD = """
type Query { hub(slug: String!): Hub }
type Hub { slug: String! privacyK: Int! }
"""


def test_the_current_schema_breaks_nothing_of_the_last_release() -> None:
    # given the release and the exported SDL (kept current by tests/test_schema_sdl.py)
    release = load_release()
    # when
    broken = unintended_breaking_changes(release=release, current_sdl=CURRENT_SDL.read_text())
    # then
    assert broken == [], (
        "breaking changes against schema release "
        f"{release.version}: {[change.description for change in broken]}; deprecate instead, "
        "or list them as intended in schema/changes.toml"
    )


def test_the_check_fails_on_a_removed_field() -> None:
    # given a release with Hub.name and a schema without it
    release = Release(version="1.0.0", sdl=RELEASED_WITH_FIELD, intended=frozenset())
    # when
    broken = unintended_breaking_changes(release=release, current_sdl=CURRENT_WITHOUT_FIELD)
    # then
    assert [(change.kind, change.description) for change in broken] == [
        ("FIELD_REMOVED", "Field Hub.name was removed.")
    ]


def test_a_removal_listed_as_intended_passes() -> None:
    # given the same removal, listed in the changelog as intended
    release = Release(
        version="1.0.0",
        sdl=RELEASED_WITH_FIELD,
        intended=frozenset({"Field Hub.name was removed."}),
    )
    # when / then
    assert unintended_breaking_changes(release=release, current_sdl=CURRENT_WITHOUT_FIELD) == []


def test_a_new_required_argument_and_a_narrowed_type_are_breaking_too() -> None:
    # given
    release = Release(version="1.0.0", sdl=RELEASED_WITH_FIELD, intended=frozenset())
    current = """
    type Query { hub(slug: String!, city: String!): Hub }
    type Hub { slug: String! name: Int! privacyK: Int! }
    """
    # when
    kinds = {
        change.kind for change in unintended_breaking_changes(release=release, current_sdl=current)
    }
    # then
    assert kinds == {"REQUIRED_ARG_ADDED", "FIELD_CHANGED_KIND"}


def test_the_changes_file_reads_intended_entries(tmp_path: Path) -> None:
    # given
    changes = tmp_path / "changes.toml"
    changes.write_text(
        'released = "2.1.0"\n\n[[intended]]\ndescription = "Field Hub.name was removed."\n'
        'why = "deprecated 2026-01-01, removal date passed"\n'
    )
    released = tmp_path / "released.graphql"
    released.write_text(RELEASED_WITH_FIELD)
    # when
    release = load_release(changes=changes, released_sdl=released)
    # then
    assert release.version == "2.1.0"
    assert release.intended == frozenset({"Field Hub.name was removed."})
