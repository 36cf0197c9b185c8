"""OAuth 2.0 over HTTP: token, revocation, introspection and the server metadata.

Each endpoint reads its form, loads the rows it names (app/oauth/loaded.py), lets Authlib's
server decide (app/oauth/server.py) and applies what it wrote; the consent page is in
app/web/consent.py.
"""

from typing import Any
from urllib.parse import parse_qsl

import orjson
from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, OAuth2Error
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.config import get_settings
from app.oauth import loaded, scopes
from app.oauth.server import HubRequest, server

MAX_FORM_BYTES = 8_000
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def metadata() -> dict[str, Any]:
    """RFC 8414: what this authorization server supports, and where."""
    base = get_settings().public_url.rstrip("/")
    methods = ["client_secret_basic", "client_secret_post"]
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "scopes_supported": list(scopes.ALL),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_methods_supported": methods,
        "code_challenge_methods_supported": ["S256"],
    }


async def well_known(request: Request) -> Response:
    """The metadata; its issuer is CH_PUBLIC_URL, https in production (RFC 8414 2, checked
    with Authlib's validator in tests/oauth)."""
    return JSONResponse(metadata(), headers={"Cache-Control": "max-age=3600"})


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The urlencoded body's parameters (InvalidRequestError if it is anything else)."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if request.method != "POST" or media != "application/x-www-form-urlencoded":
        raise InvalidRequestError("POST application/x-www-form-urlencoded parameters.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidRequestError("The request is too large.")
    try:
        return parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequestError("The form is not valid.") from exc


def hub_request(request: Request, params: list[tuple[str, str]]) -> HubRequest:
    """Authlib's view of the request; InsecureTransportError unless it came over https (or
    to a loopback address: RFC 8252 7.3). Behind a TLS proxy, run uvicorn with
    --proxy-headers so that the scheme is the client's."""
    return HubRequest(request.method, str(request.url), request.headers, params)


async def token(request: Request) -> Response:
    """RFC 6749 3.2: codes, refresh tokens and client credentials for tokens."""
    return await _endpoint(request, None)


async def revoke(request: Request) -> Response:
    """RFC 7009."""
    return await _endpoint(request, "revocation")


async def introspect(request: Request) -> Response:
    """RFC 7662 (for the client that holds the token)."""
    return await _endpoint(request, "introspection")


async def _endpoint(request: Request, name: str | None) -> Response:
    try:
        params = await read_form(request)
        oauth_request = hub_request(request, params)
    except OAuth2Error as error:
        return _answer(*error())
    form = dict(params)
    state = await loaded.load(
        client_id=loaded.client_id_of(form, request.headers.get("authorization")),
        code=form.get("code") if form.get("grant_type") == "authorization_code" else None,
        refresh_token=form.get("refresh_token")
        if form.get("grant_type") == "refresh_token"
        else None,
        token=form.get("token") if name else None,
    )
    loaded.start(state)
    if name is None:
        status, body, headers = server().create_token_response(oauth_request)
    else:
        status, body, headers = server().create_endpoint_response(name, oauth_request)
    if status == 200:
        try:
            await loaded.apply(state)
        except loaded.Lost:
            status, body, headers = InvalidGrantError("The grant was used already.")()
    return _answer(status, body, headers)


def _answer(status: int, body: Any, headers: Any) -> Response:
    content = body if isinstance(body, bytes | str) else orjson.dumps(body)
    response = Response(content, status, media_type="application/json")
    for key, value in headers or []:
        response.headers[key] = value
    response.headers.update(NO_STORE)
    return response
