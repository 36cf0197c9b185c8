"""Whose language: a member's (chosen, else their hub's), for requests, jobs and emails."""

from typing import Any

from app.i18n.locales import resolve


def loaded_hub_locale(member: Any) -> str | None:
    """The locale of the member's hub if it was loaded with them (authenticate does), else
    None; never queries."""
    hub = getattr(member, "_hub", None)
    return getattr(hub, "locale", None) if hub is not None else None


def reader_locale(
    member: Any, accept_language: str | None = None, *, hub_locale: str | None = None
) -> str:
    """The member's language: their choice, their hub's (given, or loaded with them), the
    request's Accept-Language, British English."""
    return resolve(
        member=getattr(member, "locale", None),
        hub=hub_locale or loaded_hub_locale(member),
        accept_language=accept_language,
    )
