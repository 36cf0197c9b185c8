"""Skills use cases live in app.people.service; this module keeps the old import path."""

from app.people.service import create_skill, set_member_skills, update_skill

__all__ = ["create_skill", "set_member_skills", "update_skill"]
