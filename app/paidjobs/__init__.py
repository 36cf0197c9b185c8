"""Paid jobs posted by businesses and charities; members apply with their volunteer CV
(issue 17). Not app/jobs, which is the background-job machinery."""
