"""Reports between instances: Flags received become reports, reports forwarded leave as Flags.

A remote server's ``Flag`` (Mastodon's shape from the Fedify peer, Mobilizon's from a
loopback actor, both described in tests/fixtures/flags) arrives in our queue with the
sender's domain and no reporter; a report about another Convene's event, forwarded by
a moderator, arrives in that instance's queue without its reporter.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import delete, select

from core.accounts.service import create_account, open_credential
from core.app import create_app
from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.identities.service import create_identity
from core.settings import DEFAULT_PLUGINS
from core.web.templating import make_environment
from helpers import future, make_settings, sign_up, wait_for
from live_fixtures import in_transaction, live_instance, member, two_instances
from peer_fixtures import PUBLIC_URL, RemoteActor, run, signed_post
from plugins import moderation
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.moderation.filing import file_report
from plugins.moderation.models import ModerationAction, Report
from test_live_follows import needs_fedify
from testkit import in_transaction as client_transaction
from testkit import moderator
from webhelpers import log_in, submit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "flags"
EVENT = {"title": "Picnic", "begins_at": future(hour=12), "timezone": "Europe/Paris", "publish": True}


def flag_fixture(name: str, **values: str) -> dict[str, Any]:
    text = (FIXTURES / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return json.loads(text)


async def _all(session: Any, model: Any) -> list[Any]:
    return list(await session.scalars(select(model).order_by(model.id)))


def client_reports(client: TestClient) -> list[Report]:
    return run(client, lambda session: _all(session, Report))


def app_reports(app: Litestar) -> list[Report]:
    return in_transaction(app.state.settings, lambda ctx: _all(ctx.session, Report))


def live_moderator(app: Litestar, email: str, username: str, role: str = "moderator") -> dict[str, str]:
    """An account of ``role`` on a live instance, as an operator makes it; returns API auth headers."""
    async def create(ctx: Ctx) -> str:
        account = await create_account(ctx, email, "correct horse", role=role, confirmed=True)
        await create_identity(ctx, account, username)
        return await open_credential(ctx, account, "api")

    return {"Authorization": f"Bearer {in_transaction(app.state.settings, create)}"}


def test_a_mobilizon_flag_of_a_comment_is_filed_once_without_reporter(instance: TestClient,
                                                                      mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = instance.post("/api/v1/events", json=EVENT, headers=alice).json()
    comment = instance.post(f"/api/v1/events/{event['uuid']}/comments", json={"text": "Hello"}, headers=alice).json()
    flag = flag_fixture("mobilizon-flag.json", ORIGIN=mallory.server.url(""), SENDER=mallory.id,
                        REPORTED=f"{PUBLIC_URL}/@alice", COMMENT=f"{PUBLIC_URL}/comments/{comment['uuid']}",
                        EVENT=f"{PUBLIC_URL}/events/{event['uuid']}")
    assert instance.post("/inbox", content=(sent := signed_post(mallory, "/inbox", flag))[0],
                         headers=sent[1]).status_code == 202
    [report] = wait_for(lambda: client_reports(instance))
    assert (report.target_kind, report.target_url) == ("comment", f"{PUBLIC_URL}/comments/{comment['uuid']}")
    assert report.reporter_identity_id is None and report.origin_domain == mallory.host
    assert report.remote_activity_id == flag["id"] and report.category == "other"
    assert report.comment == (f"This comment insults everyone\n\n"
                              f"Also named: {PUBLIC_URL}/events/{event['uuid']}")
    assert report.snapshot["text"] == "Hello" and report.reported_domain == ""
    # the same Flag again after the inbox forgot it (its purge), in a new signed delivery: one report still
    run(instance, forget_received)
    again = signed_post(mallory, "/inbox", flag, now=datetime.now(UTC) + timedelta(seconds=2))
    assert instance.post("/inbox", content=again[0], headers=again[1]).status_code == 202
    outcome = wait_for(lambda: run(instance, lambda s: s.scalar(select(ApInboxActivity.outcome))))
    assert outcome == f"ignored: Flag {flag['id']} was filed already"
    assert len(client_reports(instance)) == 1


async def forget_received(session: Any) -> None:
    await session.execute(delete(ApInboxActivity))
    await session.commit()


def test_a_flag_naming_nothing_known_here_is_refused_and_files_nothing(instance: TestClient,
                                                                       mallory: RemoteActor) -> None:
    flag = flag_fixture("mastodon-flag.json", ORIGIN=mallory.server.url(""), SENDER=mallory.id,
                        REPORTED=f"{PUBLIC_URL}/@nobody", EVENT=f"{PUBLIC_URL}/events/00000000-0000-0000-0000-000000000000")
    body, headers = signed_post(mallory, "/inbox", flag)
    assert instance.post("/inbox", content=body, headers=headers).status_code == 202
    outcome = wait_for(lambda: run(instance, lambda s: s.scalar(select(ApInboxActivity.outcome))))
    assert outcome == "refused: the Flag names nothing known here"
    assert client_reports(instance) == []


@needs_fedify
def test_a_mastodon_shaped_flag_from_fedify_arrives_in_our_queue(fedify: str, data_dir: Path) -> None:
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        event = httpx.post(f"{url}/api/v1/events", json=EVENT, headers=alice).json()
        sent = httpx.post(fedify + "/_control/flag", timeout=20, json={
            "target": f"{url}/@alice", "objects": [f"{url}/@alice", event["url"]], "content": "Spam links"})
        assert sent.status_code == 200, sent.text
        [report] = wait_for(lambda: app_reports(app), timeout=20)
    assert report.remote_activity_id == sent.json()["id"] and report.origin_domain == fedify.removeprefix("http://")
    assert (report.target_kind, report.target_url) == ("event", event["url"])
    assert report.comment == "Spam links"
    assert report.reporter_identity_id is None


def test_a_report_forwarded_arrives_as_a_flag_in_the_other_queue(data_dir: Path, tmp_path: Path) -> None:
    with two_instances(data_dir, tmp_path / "other-instance") as (first, second):
        first_url, second_url = first.state.settings.public_url, second.state.settings.public_url
        alice = member(second, "alice@example.org", "alice")
        event = httpx.post(f"{second_url}/api/v1/events", json=EVENT, headers=alice).json()
        carol = member(first, "carol@example.org", "carol")
        found = httpx.get(f"{first_url}/api/v1/search", params={"q": event["url"]}, headers=carol, timeout=20)
        assert found.status_code == 200, found.text

        async def report(ctx: Ctx) -> int:
            copy = await ctx.session.scalar(select(Event).where(Event.uuid == uuid.UUID(found.json()["uuid"])))
            return (await file_report(ctx, copy, event["url"], "spam", "Fake tickets, says carol")).id

        report_id = in_transaction(first.state.settings, report)
        forward = f"{first_url}/api/v1/admin/reports/{report_id}/forward"
        assert httpx.post(forward, json={}, headers=carol).status_code == 403
        moderator = live_moderator(first, "mod@example.org", "mod")
        r = httpx.post(forward, json={"with_comment": True}, headers=moderator)
        assert r.status_code == 200, r.text
        assert r.json()["domain"] == second_url.removeprefix("http://")
        assert httpx.post(forward, json={}, headers=moderator).status_code == 409
        [theirs] = wait_for(lambda: app_reports(second), timeout=20)
        [flag] = in_transaction(second.state.settings, lambda ctx: _all(ctx.session, ApInboxActivity))
        [line] = in_transaction(first.state.settings, lambda ctx: _all(ctx.session, ModerationAction))
    assert (theirs.target_kind, theirs.target_url) == ("event", event["url"])
    assert theirs.origin_domain == first_url.removeprefix("http://") and theirs.reporter_identity_id is None
    assert theirs.comment == "Fake tickets, says carol"
    assert flag.payload["actor"] == f"{first_url}/relay" and "carol@" not in json.dumps(flag.payload)
    assert (line.action, line.target_ref, line.report_id) == ("report.forward", second_url.removeprefix("http://"),
                                                              report_id)


def test_a_report_about_local_content_is_not_forwarded(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = instance.post("/api/v1/events", json=EVENT, headers=alice).json()

    async def file(ctx: Ctx) -> int:
        copy = await ctx.session.scalar(select(Event).where(Event.uuid == uuid.UUID(event["uuid"])))
        return (await file_report(ctx, copy, event["url"], "spam")).id

    report_id = client_transaction(instance, file)
    headers = moderator(instance, "mod@example.org", "mod")
    r = instance.post(f"/api/v1/admin/reports/{report_id}/forward", json={}, headers=headers)
    assert r.status_code == 409 and "this instance" in r.text
    assert instance.post("/api/v1/admin/reports/999/forward", json={}, headers=headers).status_code == 404
    assert instance.post(f"/api/v1/admin/reports/{report_id}/forward", json={}).status_code == 401


def test_without_federation_moderation_starts_and_refuses_remote_domains(data_dir: Path) -> None:
    enabled = [name for name in DEFAULT_PLUGINS if name != "federation_activitypub"]
    with TestClient(create_app(make_settings(data_dir, plugins={"enabled": enabled})), base_url=PUBLIC_URL) as client:
        headers = moderator(client, "mod@example.org", "mod")
        r = client.post("/api/v1/admin/domains/spam.example/suspend", json={"reason": "spam"}, headers=headers)
        assert r.status_code == 409 and "federation is off" in r.text
        assert client_transaction(client, lambda ctx: ctx.session.scalar(select(ModerationAction.id))) is None


def test_the_forward_button_offers_the_comment_and_says_when_it_was_sent(data_dir: Path) -> None:
    """The template the report page includes, rendered as that page would with a report about remote content."""
    env = make_environment(make_settings(data_dir), [Path(moderation.__file__).parent / "templates"])
    template = env.get_template("moderation/report_forward.html")
    request = SimpleNamespace(query_params={})
    report = Report(id=7, reported_domain="remote.example", comment="Fake tickets")
    form = template.render(report=report, request=request, csrf_input="")
    assert 'action="/admin/reports/7/forward"' in form and 'name="with_comment"' in form
    assert "Forward to remote.example" in form
    report.forwarded_at = utcnow()
    sent = template.render(report=report, request=SimpleNamespace(query_params={"done": "forwarded"}), csrf_input="")
    assert "<form" not in sent and "This report was forwarded to remote.example." in sent
    assert "The report is on its way to remote.example." in sent
    assert template.render(report=Report(id=8, reported_domain=""), request=request, csrf_input="").strip() == ""


def test_the_forward_form_is_for_staff_only(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = instance.post("/api/v1/events", json=EVENT, headers=alice).json()

    async def file(ctx: Ctx) -> int:
        copy = await ctx.session.scalar(select(Event).where(Event.uuid == uuid.UUID(event["uuid"])))
        return (await file_report(ctx, copy, event["url"], "spam")).id

    report_id = client_transaction(instance, file)
    log_in(instance, "alice@example.org")
    refused = submit(instance, "/", f"/admin/reports/{report_id}/forward", {"with_comment": "yes"})
    assert refused.status_code == 403
    assert client_transaction(instance, lambda ctx: ctx.session.scalar(select(Report.forwarded_at))) is None
