"""Texts of the emails we send: (subject, plain-text body), in the current locale.

Senders render them inside `app.i18n.use_locale(<the recipient's language>)`
(app/mail/service.py `recipient_locale`).
"""

from app.i18n import gettext


def greeting(display_name: str) -> str:
    return gettext("Hello {name},", name=display_name)


def verify_email(*, display_name: str, link: str) -> tuple[str, str]:
    return (
        gettext("Confirm your email address"),
        greeting(display_name)
        + "\n\n"
        + gettext("Welcome to Community Hub. Confirm your email address by opening this link:")
        + f"\n\n{link}\n\n"
        + gettext("If you did not sign up, ignore this email.")
        + "\n",
    )


def reset_password(*, display_name: str, link: str) -> tuple[str, str]:
    return (
        gettext("Reset your password"),
        greeting(display_name)
        + "\n\n"
        + gettext(
            "Someone asked to reset your Community Hub password. To choose a new one, open "
            "this link within the hour:"
        )
        + f"\n\n{link}\n\n"
        + gettext("If it was not you, ignore this email: your password stays the same.")
        + "\n",
    )


def letter(*, display_name: str, text: str) -> str:
    """A short email body: the greeting, then the text."""
    return f"{greeting(display_name)}\n\n{text}\n"
