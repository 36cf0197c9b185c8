"""The server's version and the schema release it keeps its promises to."""

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from schema.stability.release import CURRENT_SDL, load_release


@cache
def server_version() -> str:
    try:
        return version("communityhub")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


@cache
def schema_release() -> str:
    """The released schema version this server answers every document of."""
    return load_release().version


@cache
def schema_digest() -> str:
    """The first 12 hex digits of the SHA-256 of the exported SDL: tells two builds apart."""
    return hashlib.sha256(CURRENT_SDL.read_bytes()).hexdigest()[:12]
