from tests.opportunities.conftest import category, post, skill  # noqa: F401  (shared fixtures)
from tests.portfolios.conftest import engage, logged  # noqa: F401  (shared fixtures)
