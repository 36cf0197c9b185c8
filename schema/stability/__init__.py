"""A stable schema: the released SDL, the breaking-change check, deprecations and the changelog."""
