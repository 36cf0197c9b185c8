"""The shareable volunteer CV: /cv/{token} (printable HTML) and /cv/{token}.json."""

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from app.portfolios.service import Portfolio, public_portfolio

_STYLE = """body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#111}h1{margin-bottom:.2rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;
padding:.25rem .5rem;border-bottom:1px solid #ddd}.muted{color:#555}@media print{a{color:#111}}"""


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


def _rows(items: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for a, b in items)


def render(p: Portfolio) -> str:
    r = p.ratings
    rating = f"{r.average} / 5 from {r.count} reviews" if r.count else "No reviews yet"
    sections = [
        f"<h1>{html.escape(p.member.display_name)}</h1>",
        f"<p class=muted>Volunteer CV · Community Hub</p><p>{html.escape(p.member.bio)}</p>",
        f"<p><strong>{_hours(p.total_minutes)}</strong> verified, "
        f"<strong>{p.services_delivered}</strong> services delivered. {html.escape(rating)}.</p>",
        f"<p>Level: <strong>{html.escape(p.level or '-')}</strong> ({p.points} points)</p>",
        "<h2>Badges</h2><table>"
        + _rows([(b.name, b.awarded_at.date().isoformat()) for b in p.badges])
        + "</table>",
        "<h2>Impact of sharing</h2><p>"
        + html.escape(
            f"{p.impact.total.shares} shares, {p.impact.total.diverted_g / 1000:.1f} kg kept"
            f" from landfill, {p.impact.total.co2e_g / 1000:.1f} kg CO2e avoided."
        )
        + "</p>",
        "<h2>Hours by category</h2><table>"
        + _rows([(b.name, _hours(b.minutes)) for b in p.by_category])
        + "</table>",
        "<h2>Hours by skill</h2><table>"
        + _rows([(b.name, _hours(b.minutes)) for b in p.by_skill])
        + "</table>",
        "<h2>Organisations helped</h2><ul>"
        + "".join(f"<li>{html.escape(o.name)}</li>" for o in p.organisations_helped)
        + "</ul>",
        "<h2>What people said</h2><ul>"
        + "".join(
            f"<li>{'★' * rv.rating}{'☆' * (5 - rv.rating)} {html.escape(rv.comment)}</li>"
            for rv in p.reviews
        )
        + "</ul>",
        "<h2>History</h2><table>"
        + _rows([(h.worked_on.isoformat(), _hours(h.minutes)) for h in p.history])
        + "</table>",
    ]
    title = html.escape(f"{p.member.display_name} · Volunteer CV")
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
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
        return HTMLResponse(
            "<h1>Not found</h1><p>This CV is private or does not exist.</p>", 404, _HEADERS
        )
    if as_json:
        return JSONResponse(portfolio.as_json(), headers=_HEADERS)
    return HTMLResponse(render(portfolio), headers=_HEADERS)
