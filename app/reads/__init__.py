"""The read path's compile table (issue 15)."""
