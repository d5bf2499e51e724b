"""The whole loop of a report, as the people in it live it: a member reports a comment, a
moderator finds it in the queue, hides the comment for the report, resolves the report; the
comment is gone for others, the log says who did what for which report, and both the
reporter and the reported person are told by mail, the reported person never learning who reported, and
nobody which moderator acted."""

from __future__ import annotations

from helpers import new_event, sign_up, wait_for
from smtp_fixtures import parts, smtp_server
from test_moderation_actions import moderated
from testkit import moderator

REPORTS = "/api/v1/admin/reports"


def test_a_report_goes_from_the_form_to_an_action_and_both_people_hear_of_it(data_dir):
    with smtp_server() as (controller, server), moderated(data_dir, controller.port) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        carol = sign_up(client, "carol@example.org", "carol")
        event = new_event(client, alice, title="Garden party")
        comments = f"/api/v1/events/{event['uuid']}/comments"
        insult = client.post(comments, headers=bob, json={"text": "You are all idiots"}).json()
        mona = moderator(client, "mona@example.org", "mona")

        filed = client.post("/api/v1/reports", headers=carol, json={
            "target": f"/comments/{insult['uuid']}", "rule": "other", "comment": "Insulting everyone",
            "identity": "carol"})
        assert filed.status_code == 201, filed.text
        queue = client.get(REPORTS, headers=mona, params={"status": "open"}).json()
        assert [r["id"] for r in queue["items"]] == [filed.json()["id"]]
        report = client.get(f"{REPORTS}/{filed.json()['id']}", headers=mona).json()
        assert report["snapshot"]["text"] == "You are all idiots"

        hidden = client.post("/api/v1/admin/actions", headers=mona, json={
            "action": "hide", "target": report["target_url"], "reason": "insults", "report": report["id"],
            "tell": True})
        assert hidden.status_code == 201, hidden.text
        assert client.post(f"{REPORTS}/{report['id']}/resolve", headers=mona, json={}).status_code == 200

        assert [c["text"] for c in client.get(comments, headers=carol).json()] == []
        assert [c["text"] for c in client.get(comments).json()] == []
        logged = client.get(f"{REPORTS}/{report['id']}", headers=mona).json()["actions"]
        assert [(line["action"], line["reason"]) for line in logged] == [("comment.hold", "insults")]

        told_bob = wait_for(lambda: [m for m in server.messages if m["To"] == "bob@example.org"
                                     and "insults" in parts(m)["text/plain"]])
        told_carol = wait_for(lambda: [m for m in server.messages if m["To"] == "carol@example.org"
                                       and "report" in m["Subject"].lower()])
        to_bob, to_carol = parts(told_bob[0])["text/plain"], parts(told_carol[0])["text/plain"]
        assert "carol" not in to_bob, "the reported person never learns who reported"
        assert "mona" not in to_bob and "mona" not in to_carol, "nor does anyone learn which moderator acted"
