from tests.integrations.test_webhooks import receiver  # noqa: F401  (loopback webhook receiver)
from tests.opportunities.conftest import category, post, skill  # noqa: F401  (shared fixtures)
