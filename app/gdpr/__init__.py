"""Members' data rights: a copy of all their data (export) and erasure (issue 21)."""
