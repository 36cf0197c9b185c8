"""Problem reports: categories, routing to the responsible body, status, "me too"."""
