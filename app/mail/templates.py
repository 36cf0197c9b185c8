"""Texts of the emails we send: (subject, plain-text body)."""


def verify_email(*, display_name: str, link: str) -> tuple[str, str]:
    return (
        "Confirm your email address",
        f"Hello {display_name},\n\nWelcome to Community Hub. Confirm your email address by "
        f"opening this link:\n\n{link}\n\nIf you did not sign up, ignore this email.\n",
    )


def reset_password(*, display_name: str, link: str) -> tuple[str, str]:
    return (
        "Reset your password",
        f"Hello {display_name},\n\nSomeone asked to reset your Community Hub password. "
        f"To choose a new one, open this link within the hour:\n\n{link}\n\n"
        "If it was not you, ignore this email: your password stays the same.\n",
    )
