"""The authorization endpoint (RFC 6749 4.1.1): the member signs in, sees which app asks for
what, in plain words, and allows or denies.

GET shows the page for a request Authlib finds valid; a request it refuses is answered as
RFC 6749 4.1.2.1 says: back to the client's redirect URI with the error once that URI is known
to be the client's, otherwise on this page (never to an unverified URI). POST (the buttons)
signs the member in with their email and password (or their app's session, `Authorization:
Bearer`), records the consent and redirects with a code, or with access_denied.
"""

import html
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.auth import service as auth
from app.errors import DomainError, NotAuthenticated
from app.hubs.models import Hub
from app.i18n import _
from app.oauth import connected, loaded, scopes
from app.oauth.models import ApiClient
from app.oauth.server import server
from app.organisations.models import Organisation
from app.people.models import Member
from app.web.oauth import hub_request, read_form

OAUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
    " form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>{title}</h1>{body}</body></html>"""


async def authorize(request: Request) -> Response:
    try:
        if request.method == "POST":
            params = await read_form(request)
        else:
            params = list(request.query_params.multi_items())
        oauth_params = [(k, v) for k, v in params if k in OAUTH_PARAMS]
        oauth_request = hub_request(request, oauth_params)
    except OAuth2Error as error:
        return _error_page(error)
    form = dict(params)
    state = await loaded.load(client_id=form.get("client_id"))
    loaded.start(state)
    try:
        grant = server().get_consent_grant(oauth_request)
    except OAuth2Error as error:
        if error.redirect_uri:
            return _redirect(*server().handle_error_response(oauth_request, error))
        return _error_page(error)
    assert state.client is not None
    client = state.client.row
    if request.method == "GET":
        return await _consent_page(client, oauth_request.scope or "", oauth_params)
    if form.get("decision") != "allow":
        return _redirect(*server().create_authorization_response(oauth_request, None, grant))
    try:
        member = await _member(request, client, form)
    except (DomainError, NotAuthenticated) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        return await _consent_page(
            client, oauth_request.scope or "", oauth_params, problem=message, status=401
        )
    agreed = (oauth_request.scope or "").split()
    consent = await connected.consent(member=member, client=client, scopes=agreed)
    answer = server().create_authorization_response(oauth_request, consent.id, grant)
    await loaded.apply(state)
    return _redirect(*answer)


async def _member(request: Request, client: ApiClient, form: dict[str, str]) -> Member:
    """The member who answers: their own session's token, or their email and password."""
    header = request.headers.get("authorization", "")
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw:
        actor = await auth.authenticate(raw.strip())  # refuses a guest's session
        if actor.by_token or actor.hub_id != client.hub_id or actor.guest:
            raise NotAuthenticated(_("Sign in with your own account of this hub."))
        return actor.member
    return await auth.verify_credentials(
        hub_id=client.hub_id, email=form.get("email", ""), password=form.get("password", "")
    )


async def owner_name(client: ApiClient) -> str:
    if client.organisation_id is not None:
        org = await Organisation.get_or_none(id=client.organisation_id, hub_id=client.hub_id)
        if org is not None:
            return org.name
    hub = await Hub.get(id=client.hub_id)
    return f"{hub.name} (the hub's administrators)"


async def _consent_page(
    client: ApiClient,
    scope: str,
    params: list[tuple[str, str]],
    *,
    problem: str = "",
    status: int = 200,
) -> Response:
    e = html.escape
    owner = await owner_name(client)
    asked = "".join(f"<li>{e(w)}</li>" for w in scopes.words(scope.split()))
    hidden = "".join(
        f'<input type="hidden" name="{e(k, quote=True)}" value="{e(v, quote=True)}">'
        for k, v in params
    )
    note = f'<p role="alert" style="color:#a00">{e(problem)}</p>' if problem else ""
    body = f"""<p><strong>{e(client.name)}</strong>, an app of <strong>{e(owner)}</strong>,
wants to:</p><ul>{asked}</ul>{note}
<form method="post" action="/oauth/authorize">{hidden}
<p><label>Email<br><input name="email" type="email" autocomplete="username"></label></p>
<p><label>Password<br><input name="password" type="password"
 autocomplete="current-password"></label></p>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p></form>
<p>You can disconnect it at any time under connected apps.</p>"""
    page = _PAGE.format(title=f"Connect {e(client.name)} to your account?", body=body)
    return HTMLResponse(page, status, headers=_HEADERS)


def _redirect(status: int, body: Any, headers: Any) -> Response:
    location = dict(headers or []).get("Location")
    if status != 302 or not location:
        return _answer_page(status, body)
    return RedirectResponse(location, 302, headers={"Cache-Control": "no-store"})


def _error_page(error: OAuth2Error) -> Response:
    return _answer_page(
        error.status_code, {"error": error.error, "error_description": error.description}
    )


def _answer_page(status: int, body: Any) -> Response:
    details = body if isinstance(body, dict) else {}
    text = details.get("error_description") or details.get("error") or "This request is not valid."
    page = _PAGE.format(
        title="This app's request cannot be used",
        body=f"<p>{html.escape(str(text))}</p><p>Go back to the app and try again.</p>",
    )
    return HTMLResponse(page, status if status >= 400 else 400, headers=_HEADERS)
