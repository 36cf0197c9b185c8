"""The current reader's locale, set once per request, job or email (a contextvar)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.i18n.locales import SOURCE, supported

current_locale: ContextVar[str] = ContextVar("current_locale", default=SOURCE)


def get_locale() -> str:
    return current_locale.get()


def set_locale(locale: str | None) -> None:
    """Sets the locale for the rest of this request or job (unsupported: British English)."""
    current_locale.set(supported(locale) or SOURCE)


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Renders everything inside in `locale` (an email to one member inside a batch job)."""
    token = current_locale.set(supported(locale) or SOURCE)
    try:
        yield current_locale.get()
    finally:
        current_locale.reset(token)
