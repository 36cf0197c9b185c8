"""The OAuth 2.0 authorization server, built on Authlib's grants and endpoints.

Grants: authorization code with PKCE S256 required (RFC 6749 4.1, RFC 7636), refresh token
with rotation (6), client credentials (4.4); endpoints: revocation (RFC 7009) and
introspection (RFC 7662). Authlib decides; its hooks read rows loaded beforehand and queue
writes (app/oauth/loaded.py).
"""

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from authlib.oauth2 import rfc6749, rfc7009, rfc7636, rfc7662
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator

from app.config import get_settings
from app.ids import global_id
from app.oauth import bearer, loaded, scopes
from app.oauth.authlib_models import AUTH_METHODS, Client, Code, Token
from app.oauth.models import OAuthCode, OAuthToken, OAuthTokenKind

CODE_TTL = timedelta(minutes=10)  # RFC 6749 4.1.2: "a maximum lifetime of 10 minutes"


class HubRequest(rfc6749.OAuth2Request):  # type: ignore[misc]
    """A request whose parameters were read already (query or form, every value kept)."""

    def __init__(self, method: str, uri: str, headers: Any, params: list[tuple[str, str]]):
        super().__init__(method=method, uri=uri, headers=headers)
        self.payload = _Payload(params)

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data  # type: ignore[no-any-return]

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data  # type: ignore[no-any-return]


class _Payload(rfc6749.OAuth2Payload):  # type: ignore[misc]
    def __init__(self, params: list[tuple[str, str]]) -> None:
        self._datalist: dict[str, list[str]] = {}
        for key, value in params:
            self._datalist.setdefault(key, []).append(value)
        self._data = {k: v[0] for k, v in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class Server(rfc6749.AuthorizationServer):  # type: ignore[misc]
    def query_client(self, client_id: str) -> Client | None:
        client = loaded.current().client
        return client if client is not None and client.get_client_id() == client_id else None

    def save_token(self, token: dict[str, Any], request: rfc6749.OAuth2Request) -> None:
        client: Client = request.client
        code: Code | None = request.authorization_code
        refresh: Token | None = request.refresh_token
        # Client credentials: the client's own identity (app/oauth/service_identity.py).
        member_id = request.user or client.row.service_member_id
        grant_id = code.row.grant_id if code else refresh.row.grant_id if refresh else None
        names = (token.get("scope") or "").split()
        settings = get_settings()
        now = datetime.now(UTC)
        rows = [(OAuthTokenKind.ACCESS, token["access_token"], settings.access_token_ttl_seconds)]
        if token.get("refresh_token"):
            rows.append(
                (OAuthTokenKind.REFRESH, token["refresh_token"], settings.refresh_token_ttl_seconds)
            )

        async def write() -> bool:
            for kind, raw, ttl in rows:
                await OAuthToken.create(
                    hub_id=client.row.hub_id,
                    client_id=client.row.id,
                    grant_id=grant_id,
                    code_id=code.row.id if code else None,
                    member_id=member_id,
                    kind=kind,
                    token_hash=bearer.digest(raw),
                    scopes=names,
                    expires_at=now + timedelta(seconds=ttl),
                )
            return True

        loaded.current().writes.append(write)

    def create_oauth2_request(self, request: Any) -> Any:
        return request  # the endpoints build a HubRequest themselves

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


class PKCE(rfc7636.CodeChallenge):  # type: ignore[misc]
    """PKCE for every client, S256 only (RFC 7636; OAuth 2.1 drops "plain")."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise rfc6749.InvalidRequestError("Missing 'code_challenge' (PKCE S256).")
        if data.get("code_challenge_method") != "S256":
            raise rfc6749.InvalidRequestError("Use code_challenge_method=S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def save_authorization_code(self, code: str, request: Any) -> None:
        client: Client = request.client
        grant_id: int = request.user  # the member's consent (OAuthGrant.id), see consent.py
        redirect_uri = request.payload.redirect_uri or client.get_default_redirect_uri()
        challenge = request.payload.data["code_challenge"]
        names = (request.scope or "").split()

        async def write() -> bool:
            await OAuthCode.create(
                hub_id=client.row.hub_id,
                grant_id=grant_id,
                code_hash=bearer.digest(code),
                redirect_uri=redirect_uri,
                scopes=names,
                code_challenge=challenge,
                expires_at=datetime.now(UTC) + CODE_TTL,
            )
            return True

        loaded.current().writes.append(write)

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = loaded.current().code
        if found is None or found.row.code_hash != bearer.digest(code):
            return None
        return found

    def delete_authorization_code(self, authorization_code: Code) -> None:
        code_id = authorization_code.row.id

        async def write() -> bool:
            used = await OAuthCode.filter(id=code_id, used_at=None).update(
                used_at=datetime.now(UTC)
            )
            return bool(used)

        loaded.current().writes.insert(0, write)  # first: a lost race writes no token

    def authenticate_user(self, authorization_code: Code) -> int:
        return authorization_code.member_id


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: each refresh token works once

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        found = loaded.current().refresh
        if found is None or found.row.token_hash != bearer.digest(refresh_token):
            return None
        return found

    def authenticate_user(self, refresh_token: Token) -> int:
        return refresh_token.row.member_id

    def revoke_old_credential(self, refresh_token: Token) -> None:
        token_id = refresh_token.row.id

        async def write() -> bool:
            revoked = await OAuthToken.filter(id=token_id, revoked_at=None).update(
                revoked_at=datetime.now(UTC)
            )
            return bool(revoked)

        loaded.current().writes.insert(0, write)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)


class Revocation(rfc7009.RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        found = loaded.current().token
        return found if found and found.row.token_hash == bearer.digest(token_string) else None

    def revoke_token(self, token: Token, request: Any) -> None:
        row = token.row
        # A refresh token takes the access tokens of its grant with it (RFC 7009 2.1).
        query = (
            OAuthToken.filter(grant_id=row.grant_id, client_id=row.client_id, revoked_at=None)
            if row.kind == OAuthTokenKind.REFRESH and row.grant_id is not None
            else OAuthToken.filter(id=row.id, revoked_at=None)
        )

        async def write() -> bool:
            await query.update(revoked_at=datetime.now(UTC))
            return True

        loaded.current().writes.append(write)


class Introspection(rfc7662.IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        found = loaded.current().token
        return found if found and found.row.token_hash == bearer.digest(token_string) else None

    def check_permission(self, token: Token, client: Client, request: Any) -> bool:
        return token.check_client(client)  # a client introspects its own tokens only

    def introspect_token(self, token: Token) -> dict[str, Any]:
        row = token.row
        return {
            "active": True,
            "client_id": token.client_id,
            "scope": token.get_scope(),
            "token_type": "Bearer" if row.kind == OAuthTokenKind.ACCESS else "refresh_token",
            "sub": global_id("Member", row.member_id),  # the API's Member id
            "exp": int(row.expires_at.timestamp()),
            "iat": int(row.created_at.timestamp()),
        }


@cache
def server() -> Server:
    authorization = Server(scopes_supported=list(scopes.ALL))
    settings = get_settings()
    generator = BearerTokenGenerator(
        access_token_generator=lambda **_: bearer.new_token(OAuthTokenKind.ACCESS),
        refresh_token_generator=lambda **_: bearer.new_token(OAuthTokenKind.REFRESH),
        expires_generator=lambda client, grant_type: settings.access_token_ttl_seconds,
    )
    authorization.register_token_generator("default", generator)
    authorization.register_grant(AuthorizationCodeGrant, [PKCE(required=True)])
    authorization.register_grant(RefreshTokenGrant)
    authorization.register_grant(ClientCredentialsGrant)
    authorization.register_endpoint(Revocation)
    authorization.register_endpoint(Introspection)
    return authorization
