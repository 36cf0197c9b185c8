"""Why a member was told about an opportunity, in the reader's language.

Matching stores the reasons as data on the notification (`data["why"]`: the skills, the
distance, the timetable slot, or the saved search), and the text is written when it is read:
the API renders it in the reader's language, the emails in the recipient's.
"""

from typing import Any

from app.i18n import format_distance, format_list, get_locale, gettext, stored, weekday_name

PARTS_OF_DAY = ("morning", "afternoon", "evening")


def part_of_day(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"


def why_of(
    *,
    skills: list[str],
    distance_km: float | None,
    when: tuple[int, str] | None,
    translations: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The stored reasons of a match (JSON); `translations` are the skills' names in other
    languages (hub content, app/hubs/translations.py), kept for the languages that have one."""
    why: dict[str, Any] = {
        "skills": [s.lower() for s in skills[:2]],
        "km": None if distance_km is None else round(distance_km, 1),
        "when": list(when) if when else None,
    }
    named = list(zip(skills[:2], (translations or [])[:2], strict=False))
    languages = sorted({locale for _, names in named for locale in names})
    if languages:
        why["skills_in"] = {
            locale: [(names.get(locale) or skill).lower() for skill, names in named]
            for locale in languages
        }
    return why


def _slot(weekday: int, part: str) -> str:
    name = weekday_name(weekday)
    if part == "morning":
        return gettext("free on {weekday} mornings", weekday=name)
    if part == "evening":
        return gettext("free on {weekday} evenings", weekday=name)
    return gettext("free on {weekday} afternoons", weekday=name)


def explain(why: dict[str, Any]) -> str:
    """'you know first aid, 3.1 km away, free on Monday afternoons' in the current locale."""
    if why.get("search") is not None:
        return gettext("it matches your saved search “{name}”", name=why["search"])
    parts = []
    if why.get("skills"):
        names = (why.get("skills_in") or {}).get(get_locale()) or why["skills"]
        parts.append(gettext("you know {skills}", skills=format_list(list(names))))
    if why.get("km") is not None:
        parts.append(gettext("{distance} away", distance=format_distance(float(why["km"]))))
    if why.get("when"):
        weekday, part = why["when"]
        parts.append(_slot(int(weekday), str(part)))
    return ", ".join(parts) or gettext("it matches your preferences")


def notification_title(notification: Any) -> str:
    """A notification's title in the current locale (marked texts are kept as data)."""
    texts = (notification.data or {}).get("texts") or {}
    return stored.render(texts["title"]) if "title" in texts else str(notification.title)


def notification_reason(notification: Any) -> str:
    """Why it was sent, in the current locale: a match's reasons, a marked text, or as kept."""
    data = notification.data or {}
    if "why" in data:
        return explain(data["why"])
    texts = data.get("texts") or {}
    return stored.render(texts["reason"]) if "reason" in texts else str(notification.reason)
