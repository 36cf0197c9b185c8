"""Trust-check use cases live in app.people.service; this module keeps the old import path."""

from app.people.service import review_check, submit_check, valid_checks

__all__ = ["review_check", "submit_check", "valid_checks"]
