from tests.opportunities.conftest import category, post, skill  # noqa: F401  (shared fixtures)
