"""The audit tests use the people tests' cast (admin, moderator, coordinator, bob, zed)."""

from tests.people.conftest import admin, bob, coordinator, moderator, zed  # noqa: F401
