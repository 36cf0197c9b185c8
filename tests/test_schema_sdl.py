"""schema/schema.graphql is the exported SDL: regenerate it when the schema changes."""

from pathlib import Path

SDL = Path(__file__).parent.parent / "schema" / "schema.graphql"
REGENERATE = "uv run strawberry export-schema schema:schema --output schema/schema.graphql"


def test_exported_sdl_is_current() -> None:
    from schema import schema

    assert SDL.exists(), f"missing: run {REGENERATE}"
    assert SDL.read_text().strip() == schema.as_str().strip(), f"stale: run {REGENERATE}"
