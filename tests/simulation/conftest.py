"""Fixtures of the simulation tests (the reproducers use the opportunities' factories)."""

from tests.opportunities.conftest import category, post  # noqa: F401
