from tests.civic.conftest import admin, area, bob, council, fly_tipping  # noqa: F401
from tests.federation.conftest import pair  # noqa: F401
from tests.opportunities.conftest import category, post, skill  # noqa: F401  (shared fixtures)
