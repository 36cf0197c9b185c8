"""Engagements ready for hours: reuse the opportunities fixtures."""

from typing import Any

import pytest

from app.opportunities import applications
from tests.opportunities.conftest import actor_of, category, post, skill  # noqa: F401


@pytest.fixture
def engage(post: Any) -> Any:  # noqa: F811
    """`await engage(poster, volunteer_applicant, **fields)` → (opportunity, accepted application)."""

    async def make(poster: Any, applicant: Any, **fields: Any) -> tuple[Any, Any]:
        opportunity = await post(poster, auto_accept=True, **fields)
        application = await applications.apply(
            actor=actor_of(applicant), opportunity_id=opportunity.id
        )
        return opportunity, application

    return make
