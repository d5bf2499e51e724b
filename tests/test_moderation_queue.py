"""The moderation queue (``/api/v1/admin/reports``): only staff see it; filters, pages and counts; a report's
snapshot, notes, log lines and live link; assigning; resolving, closing and reopening, each told to a local
reporter in their language under a topic of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from core.accounts.models import Account
from core.app import create_app
from core.context import Ctx
from core.events.models import Event
from core.settings import DEFAULT_PLUGINS
from email_fixtures import FROM, notifications
from helpers import make_settings, new_event, sign_up
from plugins.moderation.actionlog import record
from test_moderation_reports import add_rule, report
from testkit import in_transaction, moderator, web_log_in
from webhelpers import csrf_token, field_error, log_in, second_browser, submit

ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"
QUEUE = "/api/v1/admin/reports"
# every route of the queue, with a body where it takes one: each refuses visitors and members
ROUTES = [("GET", QUEUE, None), ("GET", f"{QUEUE}/1", None), ("POST", f"{QUEUE}/1/notes", {"text": "x"}),
          ("POST", f"{QUEUE}/1/assign", None), ("DELETE", f"{QUEUE}/1/assign", None),
          ("POST", f"{QUEUE}/1/resolve", None), ("POST", f"{QUEUE}/1/close", None),
          ("POST", f"{QUEUE}/1/reopen", None)]


def mailing_plugins() -> dict[str, Any]:
    """The default plugins and email (a channel, so news is written; nothing needs to receive it here)."""
    return {"enabled": [*DEFAULT_PLUGINS, "email"],
            "email": {"smtp_host": "127.0.0.1", "smtp_port": 9, "from_address": FROM}}


@pytest.fixture
def queue(data_dir: Path) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str], dict[str, str], str]]:
    app = create_app(make_settings(data_dir, plugins=mailing_plugins()))
    with TestClient(app, base_url="http://testserver.local") as client:
        alice, bob = sign_up(client, ALICE, "alice"), sign_up(client, BOB, "bob")
        mod = moderator(client, CAROL, "carol")
        event = new_event(client, alice, title="Miracle cures")
        yield client, alice, bob, mod, event["uuid"]


def account_id(client: TestClient, email: str) -> int:
    async def find(ctx: Ctx) -> int:
        return (await ctx.session.scalar(select(Account.id).where(Account.email == email))) or 0

    return in_transaction(client, find)


def call(client: TestClient, method: str, url: str, headers: dict[str, str], body: Any = None):  # noqa: ANN201
    return client.request(method, url, headers=headers, json=body)


def test_only_moderators_and_administrators_reach_the_queue(queue):
    client, alice, bob, mod, uuid = queue
    assert report(client, bob, target=f"/events/{uuid}").status_code == 201
    for method, url, body in ROUTES:
        assert call(client, method, url, {}, body).status_code == 401, (method, url)
        assert call(client, method, url, alice, body).status_code == 403, (method, url)
    assert client.get(QUEUE, headers=mod).status_code == 200
    assert client.get(f"{QUEUE}/999", headers=mod).status_code == 404


def test_filters_pages_and_counts(queue):
    client, alice, bob, mod, uuid = queue
    rule = add_rule(client, "No scams")
    alice_account = account_id(client, ALICE)
    first = report(client, bob, target=f"/events/{uuid}", rule=str(rule)).json()["id"]
    second = report(client, alice, target="/@bob", rule="spam").json()["id"]
    third = report(client, bob, target="/@alice", rule="other").json()["id"]
    listed = client.get(QUEUE, headers=mod).json()
    assert [r["id"] for r in listed["items"]] == [third, second, first], "newest first"
    assert listed["counts"] == {"open": 3, "resolved": 0, "closed": 0} and listed["total"] == 3

    def ids(**query: Any) -> list[int]:
        r = client.get(QUEUE, headers=mod, params=query)
        assert r.status_code == 200, r.text
        return [item["id"] for item in r.json()["items"]]

    assert ids(rule=str(rule)) == [first]
    assert ids(rule="spam") == [second]
    assert ids(account=alice_account) == [third, first]
    assert ids(domain="local") == [third, second, first] and ids(domain="elsewhere.example") == []
    assert ids(per_page=2, page=2) == [first]
    assert client.post(f"{QUEUE}/{first}/assign", headers=mod).status_code == 200
    assert ids(assigned="me") == [first]
    assert client.post(f"{QUEUE}/{second}/close", headers=mod).status_code == 200
    assert ids() == [third, first] and ids(status="closed") == [second] and len(ids(status="")) == 3
    assert client.get(QUEUE, headers=mod).json()["counts"] == {"open": 2, "resolved": 0, "closed": 1}
    for bad in ({"status": "gone"}, {"per_page": 0}, {"account": "x"}, {"assigned": "you"}):
        assert client.get(QUEUE, headers=mod, params=bad).status_code == 400, bad
    assert client.get(QUEUE, headers=mod, params={"rule": "nonsense"}).status_code == 422


def test_a_report_shows_its_snapshot_after_an_edit_its_notes_log_lines_and_live_link(queue):
    client, alice, bob, mod, uuid = queue
    report_id = report(client, bob, target=f"/events/{uuid}", comment="Dangerous advice").json()["id"]
    r = client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"title": "Healthy cooking"})
    assert r.status_code == 200, r.text
    note = client.post(f"{QUEUE}/{report_id}/notes", headers=mod, json={"text": "  Seen before  "})
    assert note.status_code == 201 and note.json()["text"] == "Seen before"
    assert client.post(f"{QUEUE}/{report_id}/notes", headers=mod, json={"text": "   "}).status_code == 422

    async def log_action(ctx: Ctx) -> None:
        record(ctx, "event.hide", await ctx.session.scalar(select(Event)), "dangerous", report_id)

    in_transaction(client, log_action)
    shown = client.get(f"{QUEUE}/{report_id}", headers=mod).json()
    assert shown["snapshot"]["title"] == "Miracle cures" and shown["comment"] == "Dangerous advice"
    assert shown["target_url"] == f"http://testserver.local/events/{uuid}", "a path is kept as the whole address"
    assert shown["live_url"] == f"http://testserver.local/events/{uuid}"
    assert [n["text"] for n in shown["notes"]] == ["Seen before"]
    assert [(a["action"], a["reason"]) for a in shown["actions"]] == [("event.hide", "dangerous")]
    assert client.delete(f"/api/v1/events/{uuid}", headers=alice).status_code == 204
    gone = client.get(f"{QUEUE}/{report_id}", headers=mod).json()
    assert gone["live_url"] is None and gone["snapshot"]["title"] == "Miracle cures"


def reporter_news(client: TestClient) -> list[tuple[str, str, str]]:
    return [(row.payload["kind"], row.payload["to_email"], row.payload["subject"]) for row in notifications(client)
            if row.payload["kind"].startswith("moderation_report")]


def test_assigning_and_each_decision_told_to_the_reporter_in_their_language(queue):
    client, alice, bob, mod, uuid = queue

    async def french(ctx: Ctx) -> None:
        await ctx.session.execute(update(Account).where(Account.email == BOB).values(locale="fr"))

    in_transaction(client, french)
    report_id = report(client, bob, target=f"/events/{uuid}").json()["id"]
    assigned = client.post(f"{QUEUE}/{report_id}/assign", headers=mod).json()
    assert assigned["assigned_account_id"] is not None
    assert client.delete(f"{QUEUE}/{report_id}/assign", headers=mod).status_code == 204
    assert client.get(f"{QUEUE}/{report_id}", headers=mod).json()["assigned_account_id"] is None
    assert reporter_news(client) == [], "assigning is not news"

    assert client.post(f"{QUEUE}/{report_id}/reopen", headers=mod).status_code == 409
    resolved = client.post(f"{QUEUE}/{report_id}/resolve", headers=mod)
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert client.post(f"{QUEUE}/{report_id}/close", headers=mod).status_code == 409
    assert client.post(f"{QUEUE}/{report_id}/reopen", headers=mod).json()["status"] == "open"
    assert client.post(f"{QUEUE}/{report_id}/close", headers=mod).json()["status"] == "closed"
    news = reporter_news(client)
    assert [kind for kind, _, _ in news] == ["moderation_report_resolved", "moderation_report_open",
                                              "moderation_report_closed"]
    assert {to for _, to, _ in news} == {BOB}
    assert news[0][2] == "Votre signalement concernant Miracle cures", news[0][2]
    [payload] = [row.payload for row in notifications(client) if row.payload["kind"] == "moderation_report_closed"]
    assert "sans suite" in payload["text"] and payload["topic"] == "moderation_reports"
    assert CAROL not in payload["text"] and "carol" not in payload["text"], "the moderator is not named"


# --- the pages ---------------------------------------------------------------------------


def test_the_queue_pages_are_for_staff_only_and_the_menu_links_them_for_staff_only(queue):
    client, alice, bob, mod, uuid = queue
    report_id = report(client, bob, target=f"/events/{uuid}").json()["id"]
    visitor = client.get("/admin/reports", follow_redirects=False)
    assert visitor.status_code in (302, 303) and visitor.headers["location"].startswith("/login")
    member = second_browser(client)
    log_in(member, ALICE)
    assert 'href="/admin/reports"' not in member.get("/").text
    for url in ("/admin/reports", f"/admin/reports/{report_id}"):
        assert member.get(url).status_code == 403, url
    token = csrf_token(member.get("/").text)  # a member's posts are refused too, before anything changes
    for action in ("notes", "assign", "unassign", "resolve", "close", "reopen"):
        refused = member.post(f"/admin/reports/{report_id}/{action}", data={"_csrf_token": token, "text": "x"})
        assert refused.status_code == 403, action
        assert client.post(f"/admin/reports/{report_id}/{action}", data={"text": "x"},
                           follow_redirects=False).status_code in (302, 303, 403), action
    staff = second_browser(client)
    web_log_in(staff, CAROL)
    assert 'href="/admin/reports"' in staff.get("/").text
    shown = client.get(f"{QUEUE}/{report_id}", headers=mod).json()
    assert (shown["status"], shown["notes"], shown["assigned_account_id"]) == ("open", [], None)


def test_a_moderator_works_a_report_through_its_page(queue):
    client, alice, bob, mod, uuid = queue
    report_id = report(client, bob, target=f"/events/{uuid}", comment="Selling fake cures").json()["id"]
    staff = second_browser(client)
    web_log_in(staff, CAROL)
    listing = staff.get("/admin/reports")
    assert listing.status_code == 200 and f'href="/admin/reports/{report_id}"' in listing.text
    assert "Open (1)" in listing.text and "Miracle cures" in listing.text
    here = f"/admin/reports/{report_id}"
    page = staff.get(here)
    assert "Selling fake cures" in page.text and "Miracle cures" in page.text and "See it as it is now" in page.text
    noted = submit(staff, here, f"{here}/notes", {"text": "Second report this week"})
    assert "Your note was added." in noted.text and "Second report this week" in noted.text
    empty = submit(staff, here, f"{here}/notes", {"text": "  "})
    assert empty.status_code == 422 and field_error(empty.text, "note", "text")
    assert "The report is assigned to you." in submit(staff, here, f"{here}/assign").text
    resolved = submit(staff, here, f"{here}/resolve")
    assert "The report is resolved" in resolved.text and "Open again" in resolved.text
    again = submit(staff, here, f"{here}/resolve")
    assert again.status_code == 409
    assert "Closed (0)" in staff.get("/admin/reports").text and "Resolved (1)" in staff.get("/admin/reports").text
    assert staff.get("/admin/reports?status=resolved&assigned=me").text.count(f'href="/admin/reports/{report_id}"') == 1
    assert staff.get("/admin/reports?account=abc").status_code == 422
