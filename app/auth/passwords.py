"""argon2id password hashing and the strength rule."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.auth.errors import AuthErrorCode
from app.config import get_settings
from app.errors import DomainError
from app.i18n import _

MAX_LENGTH = 256
# The most common passwords long enough to pass the length rule.
_COMMON = frozenset(
    {
        "password123",
        "password1234",
        "1234567890",
        "qwertyuiop",
        "123456789a",
        "iloveyou123",
        "passw0rd123",
        "qwerty12345",
        "abc1234567",
        "letmein1234",
        "welcome123",
        "football123",
        "1q2w3e4r5t",
        "0987654321",
        "1111111111",
        "aaaaaaaaaa",
        "changeme123",
        "communityhub",
    }
)


@lru_cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
    )


def check_strength(password: str, *, email: str | None = None, field: str = "password") -> None:
    """Raises WEAK_PASSWORD unless the password is long, varied and not a known common one."""
    min_length = get_settings().password_min_length
    problem = None
    if len(password) < min_length:
        problem = _("Use at least {min_length} characters.", min_length=min_length)
    elif len(password) > MAX_LENGTH:
        problem = _("Use at most {MAX_LENGTH} characters.", MAX_LENGTH=MAX_LENGTH)
    elif password.lower() in _COMMON or len(set(password)) < 5:
        problem = _("This password is too easy to guess.")
    elif email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) > 3:
        problem = _("Do not use your email address in your password.")
    if problem:
        raise DomainError(AuthErrorCode.WEAK_PASSWORD, problem, field)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        # Same cost as a real check, so a missing account cannot be told apart by timing.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
