"""The scopes an API client may be given, in plain words for the consent page."""

from enum import StrEnum


class Scope(StrEnum):
    OPPORTUNITIES_READ = "opportunities:read"
    OPPORTUNITIES_WRITE = "opportunities:write"
    APPLICATIONS_MANAGE = "applications:manage"
    CREDITS_READ = "credits:read"
    WEBHOOKS_MANAGE = "webhooks:manage"
    CITYDATA_READ = "citydata:read"
    PROFILE_READ = "profile:read"
    PROBLEMS_REPORT = "problems:report"


ALL = tuple(s.value for s in Scope)

# What the member agrees to, as the consent page and the connected-apps list say it.
WORDS = {
    Scope.OPPORTUNITIES_READ: "See volunteering opportunities and the organisations posting them",
    Scope.OPPORTUNITIES_WRITE: "Post, change, publish and close opportunities for you",
    Scope.APPLICATIONS_MANAGE: "Apply to opportunities, manage applications and log or verify"
    " hours for you",
    Scope.CREDITS_READ: "See your community credits, statement, vouchers and payment requests",
    Scope.WEBHOOKS_MANAGE: "Set up and change webhooks that tell it about events in the hub",
    Scope.CITYDATA_READ: "Read the city's aggregated data (needs, gaps, trends, wards)",
    Scope.PROFILE_READ: "See your profile: your name, email address and portfolio",
    Scope.PROBLEMS_REPORT: "Report problems in your area for you (also over Open311)",
}


def unknown(scopes: list[str] | tuple[str, ...]) -> list[str]:
    """The names that are not scopes of this server."""
    return [s for s in scopes if s not in ALL]


def words(scopes: list[str] | tuple[str, ...]) -> list[str]:
    return [WORDS[Scope(s)] for s in scopes if s in ALL]
