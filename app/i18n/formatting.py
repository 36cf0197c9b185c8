"""Dates, times, numbers and distances in the reader's language (Babel, CLDR data).

Times are stored in UTC; they are shown in the hub's time zone (pass `timezone=hub.timezone`).
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates, lists, numbers

from app.i18n.context import get_locale


def _babel(locale: str | None) -> str:
    return (locale or get_locale()).replace("-", "_")


def format_number(value: int | float | Decimal, *, locale: str | None = None) -> str:
    """1234.5 -> '1,234.5' (en-GB), '1.234,5' (it, es)."""
    return numbers.format_decimal(value, locale=_babel(locale))


def format_distance(km: float, *, locale: str | None = None) -> str:
    """3.14 -> '3.1 km' (en-GB) / '3,1 km' (it, es): kilometres to one decimal."""
    shown = numbers.format_decimal(round(km, 1), format="#,##0.0", locale=_babel(locale))
    return f"{shown} km"


def format_list(items: list[str], *, locale: str | None = None) -> str:
    """['first aid', 'cooking'] -> 'first aid and cooking' / 'primo soccorso e cucina'."""
    return lists.format_list(items, locale=_babel(locale)) if items else ""


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
    names = dates.get_day_names("wide", context="format", locale=_babel(locale))
    return str(names[isoweekday - 1])
