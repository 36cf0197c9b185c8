"""Which languages we speak, and which one a reader gets.

British English is the source language: its texts are the msgids, so it needs no catalogue.
A reader's language is, in order: the member's chosen one, the hub's locale, the request's
`Accept-Language`, British English. Unsupported tags fall through to the next choice.
"""

SOURCE = "en-GB"
SUPPORTED: tuple[str, ...] = ("en-GB", "it", "es")
# What a tag's language part maps to ("en-US" reads British English, "it-CH" Italian).
_BY_LANGUAGE = {"en": "en-GB", "it": "it", "es": "es"}


def supported(tag: str | None) -> str | None:
    """The supported locale a BCP 47 tag (or POSIX `it_IT`) asks for, or None."""
    if not tag:
        return None
    cleaned = tag.strip().replace("_", "-")
    for known in SUPPORTED:
        if cleaned.lower() == known.lower():
            return known
    return _BY_LANGUAGE.get(cleaned.split("-", 1)[0].lower())


def from_accept_language(header: str | None) -> str | None:
    """The best supported locale of an `Accept-Language` header (RFC 9110 q-values), or None."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        found = supported(tag) if tag.strip() != "*" else None
        if found and quality > 0:
            choices.append((-quality, position, found))
    return min(choices)[2] if choices else None


def resolve(
    *, member: str | None = None, hub: str | None = None, accept_language: str | None = None
) -> str:
    """The reader's locale: member's choice, then the hub's, then the request's, then en-GB."""
    return supported(member) or supported(hub) or from_accept_language(accept_language) or SOURCE
