from enum import StrEnum


class AuthErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    HUB_NOT_FOUND = "hub_not_found"
    DUPLICATE_EMAIL = "duplicate_email"
    WEAK_PASSWORD = "weak_password"
    INVALID_CREDENTIALS = "invalid_credentials"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    ACCOUNT_SUSPENDED = "account_suspended"
    INVALID_TOKEN = "invalid_token"
    EXPIRED_TOKEN = "expired_token"
    RATE_LIMITED = "rate_limited"
    # A language Community Hub has no catalogue for (app/i18n/locales.py SUPPORTED).
    UNSUPPORTED_LOCALE = "unsupported_locale"
