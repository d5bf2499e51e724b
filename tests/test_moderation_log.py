"""Our moderation plugin's pages: staff's tools in the event, comment and profile slots, the
action page, the log with its undo, the review page, and the notice a suspended person reads;
only staff get in."""

from __future__ import annotations

import re
import uuid

from markupsafe import Markup
from sqlalchemy import select

from core.comments.models import Comment
from core.context import Ctx
from helpers import new_event, sign_up
from plugins.moderation.filing import file_report
from plugins.moderation.models import Report
from test_moderation_actions import commented, log, moderated
from testkit import in_transaction, moderator, viewer_of, web_log_in
from webhelpers import csrf_token, second_browser, submit

PAGES = ("/admin/log", "/admin/review", "/admin/actions/new")


def test_a_moderator_hides_an_event_from_its_page_and_undoes_it_from_the_log(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Garden party")
        moderator(client, "mona@example.org", "mona")
        web_log_in(client, "mona@example.org")
        url = f"/events/{event['uuid']}"
        assert 'value="hide"' in client.get(url).text

        hidden = submit(client, url, "/admin/actions", {"action": "hide", "target": url, "next": url,
                                                        "reason": "looks like spam", "tell": "on"})
        assert hidden.status_code == 200 and 'value="release"' in hidden.text, "back on the page, which says so"
        visitor = second_browser(client)
        assert visitor.get(url).status_code == 404

        page = client.get("/admin/log").text
        assert "Event hidden" in page and "Garden party" in page and "looks like spam" in page
        action = re.search(r'action="(/admin/actions/\d+/reverse)"', page).group(1)
        undone = client.post(action, data={"_csrf_token": csrf_token(page), "tell": "on"})
        assert undone.status_code == 200 and "Undone: the undoing is in the log." in undone.text
        assert visitor.get(url).status_code == 200
        assert log(client) == [("event.hold", "event", None, True), ("event.release", "event", 1, False)]


def test_a_refused_action_shows_the_action_page_again_with_why(data_dir):
    with moderated(data_dir) as client:
        moderator(client, "mona@example.org", "mona")
        web_log_in(client, "mona@example.org")
        refused = submit(client, "/admin/actions/new", "/admin/actions",
                         {"action": "hide", "target": "https://elsewhere.example/events/1", "reason": "x"})
        assert refused.status_code == 422
        assert "give the address of an event, a comment or a profile on this instance" in refused.text
        assert 'value="https://elsewhere.example/events/1"' in refused.text
        assert log(client) == []


def test_staff_hide_a_comment_from_under_it_and_warn_from_a_profile(data_dir):
    with moderated(data_dir) as client:
        _, _, _, event, comment = commented(client, "Buy cheap watches")
        web_log_in(client, "mona@example.org")
        url = f"/events/{event['uuid']}"
        page = client.get(url).text
        assert f'value="/comments/{comment["uuid"]}"' in page
        assert client.post("/admin/actions", data={"_csrf_token": csrf_token(page), "action": "hide",
                                                   "target": f"/comments/{comment['uuid']}", "next": url,
                                                   "tell": "on"}).status_code == 200
        assert "Buy cheap watches" not in second_browser(client).get(url).text
        warned = submit(client, "/@bob", "/admin/actions", {"action": "warn", "target": "/@bob", "next": "/@bob",
                                                            "reason": "be kind"})
        assert warned.status_code == 200
        suspended = submit(client, "/@bob", "/admin/actions", {"action": "suspend", "target": "/@bob", "next": "/@bob"})
        assert suspended.status_code == 200 and "Identity suspended" in suspended.text, "to the log: /@bob is gone"
        assert [line[0] for line in log(client)] == ["comment.hold", "identity.warn", "identity.suspend"]


def test_the_review_page_lists_what_waits_and_approves_an_account(data_dir):
    with moderated(data_dir, approve_accounts=True, hold_new_accounts_days=1) as client:
        moderator(client, "mona@example.org", "mona")
        assert client.post("/api/v1/accounts", json={"email": "carol@example.org", "password": "correct horse",
                                                      "username": "carol"}).status_code == 201
        web_log_in(client, "mona@example.org")
        page = client.get("/admin/review").text
        assert "carol@example.org" in page and "wait for a moderator’s approval" in page
        approved = submit(client, "/admin/review", "/admin/actions",
                          {"action": "approve", "target": re.search(r'name="target" value="(\d+)"', page).group(1),
                           "next": "/admin/review"})
        assert approved.status_code == 200 and "No account waits." in approved.text
        assert [line[0] for line in log(client)] == ["account.approve"]


def test_a_suspended_person_still_logs_in_and_reads_why_they_cannot_act(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        mona = moderator(client, "mona@example.org", "mona")
        assert client.post("/api/v1/admin/actions", headers=mona,
                           json={"action": "suspend", "target": "/@alice", "reason": "harassment"}).status_code == 201
        assert alice
        web_log_in(client, "alice@example.org")
        for url in ("/@alice", "/settings"):
            page = client.get(url).text
            assert "This identity is suspended by the moderators." in page and "harassment" in page


def test_only_staff_open_the_pages(data_dir):
    with moderated(data_dir) as client:
        sign_up(client, "bob@example.org", "bob")
        for url in PAGES:
            assert client.get(url, follow_redirects=False).headers["location"].startswith("/login")
        web_log_in(client, "bob@example.org")
        for url in PAGES:
            assert client.get(url).status_code == 403
        page = client.get("/settings").text
        assert client.post("/admin/actions", data={"_csrf_token": csrf_token(page), "action": "warn",
                                                   "target": "/@bob"}).status_code == 403
        assert "/admin/log" not in page, "no menu link for members"
        assert log(client) == []


def test_the_report_pages_forms_act_on_the_reported_thing_its_author_and_account_with_the_reports_number(data_dir):
    with moderated(data_dir) as client:
        alice, _, mona, event, comment = commented(client, "Buy cheap watches")
        target_url = f"http://testserver.local/comments/{comment['uuid']}"

        async def report(ctx: Ctx) -> Report:
            found = await ctx.session.scalar(select(Comment).where(Comment.uuid == uuid.UUID(comment["uuid"])))
            return await file_report(ctx, found, target_url, "spam")

        filed = in_transaction(client, report)
        html = client.app.template_engine.environments["en"].get_template("moderation/report_actions.html").render(
            report=filed, csrf_input=Markup('<input type="hidden" name="_csrf_token" value="t">'))
        forms = re.findall(r'<form method="post" action="/admin/actions">(.*?)</form>', html, re.S)
        hidden = [dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form)) for form in forms]
        back = f"/admin/reports/{filed.id}"
        assert [(h["target"], h["report"], h["next"]) for h in hidden] == [
            (target_url, str(filed.id), back), ("/@bob", str(filed.id), back),
            (str(viewer_of(client, "bob@example.org").account.id), str(filed.id), back)]

        done = client.post("/api/v1/admin/actions", headers=mona,
                           json={"action": "hide", "target": hidden[0]["target"], "report": int(hidden[0]["report"])})
        assert done.status_code == 201 and done.json()["report"] == filed.id
        assert client.get(f"/api/v1/events/{event['uuid']}/comments", headers=alice).json() == []
