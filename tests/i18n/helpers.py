"""Helpers of the language tests: the emails queued in the outbox, English left in a text."""

import re
import string
from functools import cache

from app.i18n.catalogues import translations
from app.i18n.extract import extract


@cache
def english_fragments() -> tuple[str, ...]:
    """The literal parts (between placeholders) of every source text that the Italian and
    Spanish catalogues translate differently: none of them may be left in a translated text."""
    italian, spanish = translations("it"), translations("es")
    assert italian is not None and spanish is not None
    found = set()
    for message in extract():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for source in ids:
            for literal, *_ in string.Formatter().parse(str(source)):
                for part in re.split(r"\n+", literal or ""):
                    part = part.strip(" ,.:;“”\"'()")
                    # Fragments of three words or more: short ones ("About", "km") may be the
                    # same words in both languages, or a member's own words.
                    if len(part.split()) >= 3:
                        found.add(part)
    return tuple(sorted(found))


def english_left(text: str) -> list[str]:
    return [fragment for fragment in english_fragments() if fragment in text]
