"""Dates, times, numbers and distances in the reader's language (Babel, CLDR data).

Times are stored in UTC; they are shown in the hub's time zone (pass `timezone=hub.timezone`).
"""

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates, lists, numbers

from app.i18n.context import get_locale


def _babel(locale: str | None) -> str:
    return (locale or get_locale()).replace("-", "_")


def format_number(value: int | float | Decimal, *, locale: str | None = None) -> str:
    """1234.5 -> '1,234.5' (en-GB), '1.234,5' (it, es)."""
    return numbers.format_decimal(value, locale=_babel(locale))


# Babel parses the locale and the pattern on every call (~80 µs for a distance): a matching
# batch writes ~2,000 email texts, each with a distance, a list of skills and a weekday, from a
# few hundred distinct values. These three are kept per (value, locale).
@lru_cache(maxsize=8192)
def _distance(km: float, babel: str) -> str:
    return f"{numbers.format_decimal(km, format='#,##0.0', locale=babel)} km"


@lru_cache(maxsize=4096)
def _list(items: tuple[str, ...], babel: str) -> str:
    return lists.format_list(list(items), locale=babel)


@lru_cache(maxsize=64)
def _day_names(babel: str) -> tuple[str, ...]:
    names = dates.get_day_names("wide", context="format", locale=babel)
    return tuple(str(names[day]) for day in range(7))  # keyed 0 (Monday) to 6


def format_distance(km: float, *, locale: str | None = None) -> str:
    """3.14 -> '3.1 km' (en-GB) / '3,1 km' (it, es): kilometres to one decimal."""
    return _distance(round(km, 1), _babel(locale))


def format_list(items: list[str], *, locale: str | None = None) -> str:
    """['first aid', 'cooking'] -> 'first aid and cooking' / 'primo soccorso e cucina'."""
    return _list(tuple(items), _babel(locale)) if items else ""


def _local(moment: datetime, timezone: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(timezone)) if timezone else moment


def format_datetime(
    moment: datetime,
    *,
    timezone: str | None = None,
    length: str = "medium",
    locale: str | None = None,
) -> str:
    """A moment in the hub's time zone: '2 Dec 2026, 14:30' / '2 dic 2026, 14:30'."""
    return dates.format_datetime(_local(moment, timezone), length, locale=_babel(locale))


def format_when(moment: datetime, *, timezone: str | None = None, locale: str | None = None) -> str:
    """A day and time for a sentence: 'Wednesday, 2 December 2026, 14:30' /
    'mercoledì 2 dicembre 2026, 14:30' / 'miércoles, 2 de diciembre de 2026, 14:30'."""
    local = _local(moment, timezone)
    pattern = str(dates.get_datetime_format("medium", locale=_babel(locale))).replace("'", "")
    day = dates.format_date(local.date(), "full", locale=_babel(locale))
    return pattern.replace("{1}", day).replace("{0}", format_time(local, locale=locale))


def format_date(
    day: date | datetime,
    *,
    timezone: str | None = None,
    length: str = "long",
    locale: str | None = None,
) -> str:
    """'2 December 2026' / '2 dicembre 2026' / '2 de diciembre de 2026'."""
    if isinstance(day, datetime):
        day = _local(day, timezone).date()
    return dates.format_date(day, length, locale=_babel(locale))


def format_time(
    moment: datetime | time, *, timezone: str | None = None, locale: str | None = None
) -> str:
    """'14:30' in every language we speak (CLDR short time)."""
    if isinstance(moment, datetime):
        moment = _local(moment, timezone)
    return dates.format_time(moment, "short", locale=_babel(locale))


def weekday_name(isoweekday: int, *, locale: str | None = None) -> str:
    """1 -> 'Monday' / 'lunedì' / 'lunes' (standalone, wide)."""
    return _day_names(_babel(locale))[isoweekday - 1]
