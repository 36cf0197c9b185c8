"""Compiled reads: operations answered by one SQL statement (issue 15)."""
