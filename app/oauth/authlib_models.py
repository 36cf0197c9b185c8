"""Our rows as Authlib's client, code and token objects (its ClientMixin and friends).

Authlib's server calls these synchronously: everything they read was loaded before the call
(app/oauth/loaded.py), so none of them touches the database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

from app.oauth import clients
from app.oauth.models import ApiClient, OAuthCode, OAuthToken

GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    row: ApiClient

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        uris = self.row.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """All its scopes when none is asked for; None (invalid_scope) for one it lacks."""
        if not scope:
            return " ".join(self.row.scopes)
        asked = scope.split()
        if any(s not in self.row.scopes for s in asked):
            return None
        return " ".join(dict.fromkeys(asked))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris  # exact match (RFC 6749 3.1.2.3)

    def check_client_secret(self, client_secret: str) -> bool:
        return clients.secret_matches(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type == "client_credentials":
            return self.row.service_member_id is not None
        return grant_type in GRANT_TYPES


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    row: OAuthCode
    member_id: int

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return " ".join(self.row.scopes)

    @property
    def code_challenge(self) -> str:  # read by Authlib's CodeChallenge (RFC 7636)
        return self.row.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return "S256"


@dataclass
class Token(TokenMixin):  # type: ignore[misc]
    row: OAuthToken
    client_id: str  # the client's public id
    grant_revoked: bool = False

    def check_client(self, client: Any) -> bool:
        return bool(client.row.id == self.row.client_id)

    def get_scope(self) -> str:
        return " ".join(self.row.scopes)

    def get_expires_in(self) -> int:
        return max(0, int((self.row.expires_at - self.row.created_at).total_seconds()))

    def is_expired(self) -> bool:
        return bool(self.row.expires_at <= datetime.now(UTC))

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or self.grant_revoked

    def get_user(self) -> int:
        return self.row.member_id

    def get_client(self) -> Any:
        return None
