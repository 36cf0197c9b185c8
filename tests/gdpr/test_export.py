"""A member downloads all their data: a job builds JSON and HTML, a 7-day link is emailed."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.gdpr import export as exports
from app.gdpr.models import DataExport
from app.people import service as people
from app.people.models import CheckKind
from tests.credits.conftest import fund_member
from tests.helpers import link_in, read_mail
from tests.people.conftest import actor_of

REQUEST = """
mutation { requestDataExport { export { id status readyAt expiresAt } errors { code message } } }"""
PROFILE = """
mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
SUBJECT = "Your Community Hub data is ready"
BIO = "Keen gardener <b>& baker</b> from Ancoats"


async def _link(http: Any, person: Any) -> str:
    [mail] = read_mail(person.email, SUBJECT)
    return urlsplit(link_in(mail, "http")).path


async def test_a_member_downloads_all_their_data(
    gql: Any, http: Any, hub: Any, alice: Any, run_jobs: Any
) -> None:
    # given: a profile, a trust check and credits
    await gql(
        PROFILE,
        {"input": {"bio": BIO, "homeLocation": {"lat": 53.4839, "lng": -2.2246}}},
        as_=alice,
    )
    await people.submit_check(
        actor=await actor_of(alice), kind=CheckKind.DBS_BASIC, reference="DBS-EXPORT-771"
    )
    await fund_member(hub.id, alice.member.id, 40)
    # when: asked for twice before the job ran
    first = (await gql(REQUEST, as_=alice))["requestDataExport"]
    second = (await gql(REQUEST, as_=alice))["requestDataExport"]
    # then: one export, pending
    assert first["errors"] == [] and first["export"]["status"] == "PENDING"
    assert second["export"]["id"] == first["export"]["id"]
    # when: the job runs
    await run_jobs()
    path = await _link(http, alice)
    response = await http.get(path)
    # then: the JSON holds the profile, the check, the ledger and the sessions, no secret
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    member = body["member"]
    assert (member["display_name"], member["email"], member["bio"]) == ("Alice", alice.email, BIO)
    assert member["home_lat"] == 53.4839
    assert "password_hash" not in member
    tables = body["tables"]
    assert [c["reference"] for c in tables["trust_check"]] == ["DBS-EXPORT-771"]
    assert [e["amount"] for e in tables["entry"]] == [40]
    assert tables["auth_session"] and all("token_hash" not in s for s in tables["auth_session"])
    assert "member.update_profile" in [a["action"] for a in tables["audit_event"]]
    assert "data_export" not in tables
    # when / then: the readable page, escaped
    page = await http.get(path, params={"format": "html"})
    assert page.status_code == 200
    assert "Keen gardener &lt;b&gt;&amp; baker&lt;/b&gt; from Ancoats" in page.text
    assert "DBS-EXPORT-771" in page.text
    # when: the job runs again (arq delivers at least once)
    export = await DataExport.get(member_id=alice.member.id)
    await exports.build_export(export_id=export.id)
    await run_jobs()
    # then: nothing changes, no second email, the link still works
    again = await DataExport.get(id=export.id)
    assert (again.token_hash, again.ready_at) == (export.token_hash, export.ready_at)
    assert len(read_mail(alice.email, SUBJECT)) == 1
    assert (await http.get(path)).status_code == 200
    # and: the export itself is shown as ready, valid 7 days
    ready = (await gql(REQUEST, as_=alice))["requestDataExport"]["export"]
    assert ready["id"] != first["export"]["id"]  # a new request once the last one is ready
    assert export.expires_at is not None and export.ready_at is not None
    assert export.expires_at - export.ready_at == timedelta(days=7)


async def test_an_expired_or_unknown_link_is_refused(
    gql: Any, http: Any, alice: Any, run_jobs: Any
) -> None:
    # given: a ready export
    await gql(REQUEST, as_=alice)
    await run_jobs()
    path = await _link(http, alice)
    # when: its 7 days are over
    await DataExport.filter(member_id=alice.member.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    # then
    expired = await http.get(path)
    assert expired.status_code == 410
    assert "expired" in expired.text
    # and: a made-up or altered token names nothing
    for bad in ("/exports/chx_nothing", path[:-2] + "xx", "/exports/" + "x" * 300):
        assert (await http.get(bad)).status_code == 404, bad


async def test_a_killed_build_leaves_nothing_and_runs_again(
    gql: Any, alice: Any, run_jobs: Any, monkeypatch: Any
) -> None:
    # given: a request whose first build dies before the end
    await gql(REQUEST, as_=alice)
    export = await DataExport.get(member_id=alice.member.id)

    def killed(content: Any) -> str:
        raise SystemExit("worker killed")

    monkeypatch.setattr(exports, "render_html", killed)
    with pytest.raises(SystemExit):
        await exports.build_export(export_id=export.id)
    # then: nothing half-written, no email
    left = await DataExport.get(id=export.id)
    assert (left.status.value, left.content, left.token_hash) == ("pending", None, None)
    assert read_mail(alice.email, SUBJECT) == []
    # when: it runs again
    monkeypatch.undo()
    await run_jobs()
    # then
    assert (await DataExport.get(id=export.id)).status.value == "ready"
    assert len(read_mail(alice.email, SUBJECT)) == 1


async def test_only_signed_in_members_ask(gql: Any) -> None:
    body = await gql.raw(REQUEST)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
