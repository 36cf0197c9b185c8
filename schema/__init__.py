"""The one GraphQL schema of Community Hub."""

from schema.build import build_schema

schema = build_schema()

__all__ = ["schema"]
