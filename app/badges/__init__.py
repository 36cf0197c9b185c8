"""Badges, levels, Open Badges 2.0 assertions, success stories and leaderboards (module 8)."""
