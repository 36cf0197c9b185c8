"""Trust-check use cases live in app.people.service; this module keeps the old import path."""

from app.people.service import review_check, submit_check, valid_checks, valid_checks_sql

__all__ = ["review_check", "submit_check", "valid_checks", "valid_checks_sql"]
