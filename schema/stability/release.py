"""The last released SDL and the breaking changes made on purpose since.

`schema/released.graphql` is the schema clients were promised at the version named in
`schema/changes.toml`. A change that breaks it fails the suite unless `changes.toml` lists it
under `[[intended]]` with its exact description and why.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from schema.stability.changes import Change, breaking

SCHEMA_DIR = Path(__file__).resolve().parent.parent
RELEASED_SDL = SCHEMA_DIR / "released.graphql"
CHANGES = SCHEMA_DIR / "changes.toml"
CURRENT_SDL = SCHEMA_DIR / "schema.graphql"


@dataclass(frozen=True)
class Release:
    version: str
    sdl: str
    intended: frozenset[str]  # descriptions of the breaking changes made on purpose


def load_release(*, changes: Path = CHANGES, released_sdl: Path = RELEASED_SDL) -> Release:
    data = tomllib.loads(changes.read_text())
    intended = frozenset(str(entry["description"]) for entry in data.get("intended", []))
    return Release(version=str(data["released"]), sdl=released_sdl.read_text(), intended=intended)


def unintended_breaking_changes(*, release: Release, current_sdl: str) -> list[Change]:
    """Breaking changes against the release that `changes.toml` does not list as intended."""
    return [
        change
        for change in breaking(release.sdl, current_sdl)
        if change.description not in release.intended
    ]
