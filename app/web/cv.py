"""The shareable volunteer CV: /cv/{token} (printable HTML) and /cv/{token}.json."""

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from app.i18n import (
    format_date,
    format_number,
    get_locale,
    gettext,
    ngettext,
    resolve,
    supported,
    use_locale,
)
from app.mail.service import hub_locale
from app.portfolios.service import Portfolio, public_portfolio

_STYLE = """body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#111}h1{margin-bottom:.2rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;
padding:.25rem .5rem;border-bottom:1px solid #ddd}.muted{color:#555}@media print{a{color:#111}}"""


def _hours(minutes: int) -> str:
    return f"{format_number(round(minutes / 60, 1))} h"


def _kg(grams: int) -> str:
    return format_number(round(grams / 1000, 1))


def _h2(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _rows(items: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for a, b in items)


def _by_hub(p: Portfolio) -> str:
    """Verified hours per hub and combined, when the member linked accounts in other hubs."""
    if len(p.hours_by_hub) < 2:
        return ""
    rows = [(h.hub_name, _hours(h.minutes)) for h in p.hours_by_hub]
    rows.append((gettext("All hubs together"), _hours(p.combined_minutes)))
    return _h2(gettext("Hours by hub")) + "<table>" + _rows(rows) + "</table>"


def render(p: Portfolio) -> str:
    """The printable CV in the current locale (the caller sets it: `cv` below)."""
    r = p.ratings
    rating = (
        ngettext(
            "{average} / 5 from {n} review",
            "{average} / 5 from {n} reviews",
            r.count,
            average=format_number(r.average or 0),
        )
        if r.count
        else gettext("No reviews yet")
    )
    total = p.impact.total
    sections = [
        f"<h1>{html.escape(p.member.display_name)}</h1>",
        "<p class=muted>" + html.escape(gettext("Volunteer CV · Community Hub")) + "</p>"
        f"<p>{html.escape(p.member.bio)}</p>",
        "<p>"
        + html.escape(
            gettext(
                "{hours} verified, {services} services delivered. {rating}.",
                hours=_hours(p.total_minutes),
                services=format_number(p.services_delivered),
                rating=rating,
            )
        )
        + "</p>",
        "<p>"
        + html.escape(
            gettext("Level: {level} ({points} points)", level=p.level or "-", points=p.points)
        )
        + "</p>",
        _h2(gettext("Badges"))
        + "<table>"
        + _rows([(b.name, format_date(b.awarded_at, length="medium")) for b in p.badges])
        + "</table>",
        _h2(gettext("Impact of sharing"))
        + "<p>"
        + html.escape(
            gettext(
                "{shares} shares, {diverted} kg kept from landfill, {co2e} kg CO2e avoided.",
                shares=format_number(total.shares),
                diverted=_kg(total.diverted_g),
                co2e=_kg(total.co2e_g),
            )
        )
        + "</p>",
        _by_hub(p),
        _h2(gettext("Hours by category"))
        + "<table>"
        + _rows([(b.name, _hours(b.minutes)) for b in p.by_category])
        + "</table>",
        _h2(gettext("Hours by skill"))
        + "<table>"
        + _rows([(b.name, _hours(b.minutes)) for b in p.by_skill])
        + "</table>",
        _h2(gettext("Organisations helped"))
        + "<ul>"
        + "".join(f"<li>{html.escape(o.name)}</li>" for o in p.organisations_helped)
        + "</ul>",
        _h2(gettext("What people said"))
        + "<ul>"
        + "".join(
            f"<li>{'★' * rv.rating}{'☆' * (5 - rv.rating)} {html.escape(rv.comment)}</li>"
            for rv in p.reviews
        )
        + "</ul>",
        _h2(gettext("History"))
        + "<table>"
        + _rows([(format_date(h.worked_on, length="medium"), _hours(h.minutes)) for h in p.history])
        + "</table>",
    ]
    title = html.escape(gettext("{name} · Volunteer CV", name=p.member.display_name))
    lang = get_locale()
    return (
        f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{title}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<style>{_STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )


# Never cached: making the CV private again must take effect at once, caches included. The
# page runs no script and loads nothing: only its inline style is allowed.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def cv(request: Request) -> Response:
    token = request.path_params["token"]
    as_json = token.endswith(".json")
    portfolio = await public_portfolio(share_token=token.removesuffix(".json"))
    if portfolio is None:
        with use_locale(resolve(accept_language=request.headers.get("accept-language"))):
            text = gettext("This CV is private or does not exist.")
            heading = gettext("Not found")
        return HTMLResponse(f"<h1>{heading}</h1><p>{html.escape(text)}</p>", 404, _HEADERS)
    if as_json:
        return JSONResponse(portfolio.as_json(), headers=_HEADERS)
    # In the language asked for (?locale=it), else the member's, their hub's, the reader's.
    member = portfolio.member
    locale = supported(request.query_params.get("locale")) or resolve(
        member=member.locale,
        hub=await hub_locale(member.hub_id),  # type: ignore[attr-defined]
        accept_language=request.headers.get("accept-language"),
    )
    with use_locale(locale):
        return HTMLResponse(render(portfolio), headers=_HEADERS)
