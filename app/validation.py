"""Input checks shared by every service; each failure names the field it is about."""

import re
import unicodedata
from enum import Enum
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email

from app.errors import DomainError
from app.i18n import _

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(
    value: str,
    *,
    field: str,
    max_length: int,
    invalid: Enum,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Strip and bound a user-supplied string."""
    cleaned = value.strip()
    if required and not cleaned:
        raise DomainError(invalid, _("This field is required."), field)
    if len(cleaned) > max_length:
        raise DomainError(
            invalid, _("At most {max_length} characters.", max_length=max_length), field
        )
    if _CONTROL_RE.search(cleaned) or (not multiline and ("\n" in cleaned or "\r" in cleaned)):
        raise DomainError(invalid, _("Contains characters that are not allowed."), field)
    return cleaned


def email(value: str, *, field: str, invalid: Enum) -> str:
    """Normalise an email address (lower-cased); syntax only, no DNS look-up."""
    if len(value) > 254:
        raise DomainError(invalid, _("At most 254 characters."), field)
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(invalid, _("Not a valid email address: {exc}", exc=exc), field) from exc
    return result.normalized.lower()


def slug(value: str, *, field: str, invalid: Enum) -> str:
    if not SLUG_RE.match(value):
        raise DomainError(
            invalid, _("Use 1-60 lower-case letters, digits and inner hyphens."), field
        )
    return value


def slugify(value: str) -> str:
    # "Café Roma" → "cafe-roma": keep the letters of accented names (Rome, Seville, Torino hubs).
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return base[:60].strip("-") or "item"


_TIMEZONES: frozenset[str] | None = None


def timezone(value: str, *, field: str, invalid: Enum) -> str:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    if value not in _TIMEZONES:
        raise DomainError(invalid, _("Not an IANA time zone, e.g. Europe/London."), field)
    return value


def int_range(value: int, *, field: str, low: int, high: int, invalid: Enum) -> int:
    if not low <= value <= high:
        raise DomainError(
            invalid, _("Must be between {low} and {high}.", low=low, high=high), field
        )
    return value
