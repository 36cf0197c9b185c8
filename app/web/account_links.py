"""The page the account-link email opens: /account-links/confirm?token=...

As with the verification page (app/web/pages.py), opening the link (GET) uses nothing up: mail
scanners and link previews open links. The page asks for a click (a POST form), which confirms.
"""

import html

from starlette.requests import Request
from starlette.responses import Response

from app.errors import DomainError
from app.federation import accounts
from app.i18n import gettext, localize, resolve, use_locale
from app.web.pages import _form_token, _page

_CONFIRM = """<form method="post" action="/account-links/confirm">
<input type="hidden" name="token" value="{token}">
<button type="submit" style="font-size:1.1rem;padding:.5rem 1rem">{label}</button>
</form>"""


async def confirm(request: Request) -> Response:
    """GET shows a confirm button; POST (the button) links the two accounts."""
    with use_locale(resolve(accept_language=request.headers.get("accept-language"))):
        if request.method == "POST":
            try:
                await accounts.confirm_by_token(token=await _form_token(request))
            except DomainError as exc:
                return _page(gettext("Accounts not linked"), localize(exc.message), 400)
            return _page(
                gettext("Accounts linked"),
                gettext("Each portfolio now shows the verified hours of both accounts."),
            )
        token = request.query_params.get("token", "")
        form = _CONFIRM.format(
            token=html.escape(token, quote=True),
            label=html.escape(gettext("Link my accounts")),
        )
        return _page(
            gettext("Link your accounts"),
            gettext("Confirm that both accounts are yours."),
            form=form,
        )
