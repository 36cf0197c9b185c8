"""Compiled reads and mutations: operations answered by one SQL statement (issues 15, 19)."""

from typing import Any

from app.i18n.locales import SOURCE


def for_the_interpreter(context: Any) -> bool:
    """Requests only the interpreter answers, on both compiled paths: no hub, a failed
    authentication (its error is the interpreter's to give), an OAuth token (its scopes are
    checked field by field by schema/scopes.py, which the compiled plans do not run), a guest
    (the operations a guest may call are the interpreter's guard to check), or a
    reader of another language than en-GB (the plans read taxonomy names as written; the
    interpreter gives their translations, app/hubs/translations.py)."""
    actor = context.actor
    return (
        context.hub_id is None
        or context.auth_error is not None
        or (actor is not None and (actor.by_token or actor.guest))
        or getattr(context, "locale", SOURCE) != SOURCE
    )
