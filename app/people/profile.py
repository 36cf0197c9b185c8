"""Profile use cases live in app.people.service; this module keeps the old import path."""

from app.people.service import availability, update_profile

__all__ = ["availability", "update_profile"]
