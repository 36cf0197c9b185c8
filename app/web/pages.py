"""The small HTML pages that emailed links open.

Opening a link (GET) never uses it up: mail scanners and link previews open links before the
member does. The verification page asks the member to confirm with a button (a POST form);
the reset page sends them to the app, where resetPassword uses the token.
"""

import html
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.auth import service as auth
from app.auth.service import EmailLink
from app.errors import DomainError

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>{title}</h1><p>{body}</p>{form}</body></html>"""
_CONFIRM = """<form method="post" action="/auth/verify-email">
<input type="hidden" name="token" value="{token}">
<button type="submit" style="font-size:1.1rem;padding:.5rem 1rem">Confirm my email address</button>
</form>"""
# The token is in the URL: no referrer, no caching, nothing loaded, forms post here only.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
MAX_FORM_BYTES = 1000
EXPIRED = "This link has expired. Sign in to the app to get a new one."
VERIFIED = "Your email address is verified. You can sign in to Community Hub."


def _page(title: str, body: str, status: int = 200, form: str = "") -> Response:
    page = _PAGE.format(title=html.escape(title), body=html.escape(body), form=form)
    return HTMLResponse(page, status, headers=_HEADERS)


async def verify_email(request: Request) -> Response:
    """GET shows the link's state and a confirm button; POST (the button) verifies."""
    if request.method == "POST":
        return await _confirm(await _form_token(request))
    token = request.query_params.get("token", "")
    state = await auth.email_link(token=token)
    if state is EmailLink.CONFIRM:
        form = _CONFIRM.format(token=html.escape(token, quote=True))
        return _page("Confirm your email address", "One click and you are done.", form=form)
    if state is EmailLink.VERIFIED:
        return _page("Email verified", VERIFIED)
    if state is EmailLink.EXPIRED:
        return _page("Email not verified", EXPIRED, 400)
    return _page("Email not verified", "This link is not valid.", 400)


async def _confirm(token: str) -> Response:
    try:
        await auth.verify_email(token=token)
    except DomainError as exc:
        return _page("Email not verified", exc.message, 400)
    return _page("Email verified", VERIFIED)


async def _form_token(request: Request) -> str:
    """The token of the confirm form (application/x-www-form-urlencoded)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return ""
    try:
        fields = parse_qs(body.decode("ascii"), max_num_fields=5)
    except (UnicodeDecodeError, ValueError):
        return ""
    return (fields.get("token") or [""])[0]


async def reset_password(request: Request) -> Response:
    """Opening the link uses nothing up: the app's resetPassword uses the token, once."""
    return _page(
        "Reset your password",
        "Open this link in the Community Hub app to choose a new password.",
    )
