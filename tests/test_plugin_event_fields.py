"""An event field a plugin adds (testkit_dress_code): checked by its type, stored in its own
table, read and written through ``extra`` in the API and ``extra.dress_code`` in the form."""

from __future__ import annotations

from convene_testkit.dress_code.models import EventDressCode

from helpers import field_errors, future, new_event, sign_up
from testkit import instance, rows
from webhelpers import log_in, submit

TOO_LONG = "x" * 41


def test_the_api_takes_and_gives_the_field_in_extra(data_dir):
    with instance(data_dir, "testkit_dress_code") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Gala", extra={"dress_code": "Black tie"})
        assert event["extra"] == {"dress_code": "Black tie"}
        url = f"/api/v1/events/{event['uuid']}"
        assert client.get(url).json()["extra"] == {"dress_code": "Black tie"}

        changed = client.patch(url, headers=alice, json={"extra": {"dress_code": "Smart casual"}})
        assert changed.status_code == 200 and changed.json()["extra"] == {"dress_code": "Smart casual"}
        cleared = client.patch(url, headers=alice, json={"extra": {"dress_code": None}})
        assert cleared.status_code == 200 and cleared.json()["extra"] == {}
        assert rows(client, EventDressCode) == []


def test_a_wrong_value_is_named_and_nothing_is_written(data_dir):
    with instance(data_dir, "testkit_dress_code") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = client.post("/api/v1/events", headers=alice, json={
            "title": "Gala", "begins_at": future(), "extra": {"dress_code": TOO_LONG}})
        assert r.status_code == 422 and "extra.dress_code" in field_errors(r)
        drafts = client.get("/api/v1/me/events", params={"kind": "drafts"}, headers=alice).json()
        assert drafts["total"] == 0

        event = new_event(client, alice, title="Gala", extra={"dress_code": "Black tie"})
        url = f"/api/v1/events/{event['uuid']}"
        r = client.patch(url, headers=alice, json={"title": "Renamed gala", "extra": {"dress_code": TOO_LONG}})
        assert r.status_code == 422 and "extra.dress_code" in field_errors(r)
        kept = client.get(url).json()
        assert kept["title"] == "Gala" and kept["extra"] == {"dress_code": "Black tie"}
        assert [row.dress_code for row in rows(client, EventDressCode)] == ["Black tie"]


def test_the_event_form_shows_and_saves_the_field(data_dir):
    with instance(data_dir, "testkit_dress_code") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        log_in(client, "alice@example.org")
        form = {"title": "Gala", "begins_at": future()[:16], "timezone": "Europe/Paris", "visibility": "public",
                "join_mode": "free", "category": "MEETING", "status": "confirmed", "action": "publish"}
        refused = submit(client, "/events/new", "/events/new", {**form, "extra.dress_code": TOO_LONG})
        assert refused.status_code == 422
        assert 'href="#event-extra.dress_code"' in refused.text, "the form's problems name the field"
        assert (f'name="extra.dress_code" aria-invalid="true" aria-describedby="event-extra.dress_code-error" '
                f'type="text" value="{TOO_LONG}" maxlength="40"') in refused.text, "shown again, marked wrong"
        assert client.get("/api/v1/me/events", params={"kind": "drafts"}, headers=alice).json()["total"] == 0

        submit(client, "/events/new", "/events/new", {**form, "extra.dress_code": "Black tie"})
        event = client.get("/api/v1/me/events", headers=alice).json()["items"][0]
        assert event["extra"] == {"dress_code": "Black tie"}
        edit = client.get(f"/events/{event['uuid']}/edit").text
        assert 'name="extra.dress_code" type="text" value="Black tie" maxlength="40"' in edit
        assert '<label for="event-extra.dress_code">Dress code (optional)</label>' in edit
