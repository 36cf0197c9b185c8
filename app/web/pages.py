"""The small HTML pages that emailed links open."""

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.auth import service as auth
from app.errors import DomainError

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>{title}</h1><p>{body}</p></body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=html.escape(body)), status)


async def verify_email(request: Request) -> Response:
    token = request.query_params.get("token", "")
    try:
        await auth.verify_email(token=token)
    except DomainError as exc:
        return _page("Email not verified", exc.message, 400)
    return _page("Email verified", "Thank you. You can now sign in to Community Hub.")


async def reset_password(request: Request) -> Response:
    return _page(
        "Reset your password",
        "Open this link in the Community Hub app to choose a new password.",
    )
