"""The data-rights tests use the people tests' cast (admin, moderator, coordinator, bob, zed)."""

from tests.people.conftest import admin, bob, coordinator, moderator, zed  # noqa: F401
from tests.portfolios.conftest import (  # noqa: F401
    category,
    delivered,
    engage,
    logged,
    post,
    skill,
)
