"""The issue's scenario between two Convene instances over real HTTP: Bob on B joins Alice's event on A.

Every step goes through the public API of one instance and is observed on both; the
activities between them (Join, Accept, Update, Leave...) travel as signed deliveries.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from helpers import next_in, wait_for
from live_fixtures import live_instance, member, two_instances
from test_live_follows import fedify_inbox, needs_fedify, of_type

DAY = next_in(6).date()  # in June, when Paris is UTC+2
EVENT = {"title": "Trail run", "begins_at": f"{DAY}T09:00:00", "timezone": "Europe/Paris", "publish": True,
         "join_mode": "restricted", "max_participants": 2, "address": {"name": "Col de la Croix", "locality": "Lyon"}}


def get(url: str, headers: dict[str, str] | None = None) -> Any:
    response = httpx.get(url, headers=headers, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()


def test_bob_on_b_joins_alices_restricted_event_on_a(data_dir: Path, tmp_path: Path) -> None:
    with two_instances(data_dir, tmp_path / "b") as (a, b):
        a_url, b_url = a.state.settings.public_url, b.state.settings.public_url
        alice = member(a, "alice@example.org", "alice")
        bob = member(b, "bob@example.org", "bob")
        erin = member(b, "erin@example.org", "erin")
        frank = member(b, "frank@example.org", "frank")
        carol = member(b, "carol@example.org", "carol")
        sports = httpx.post(f"{b_url}/api/v1/identities", json={"username": "bobsports", "display_name": "Bob runs"},
                            headers=bob)
        assert sports.status_code == 201, sports.text
        event = httpx.post(f"{a_url}/api/v1/events", json=EVENT, headers=alice).json()
        on_a = f"{a_url}/api/v1/events/{event['uuid']}"

        # Bob pastes the event's URL into B's search and sees it rendered from B
        copy = get(f"{b_url}/api/v1/search?q={event['url']}", bob)
        on_b = f"{b_url}/api/v1/events/{copy['uuid']}"
        page = httpx.get(f"{b_url}/events/{copy['uuid']}")
        assert page.status_code == 200 and "Trail run" in page.text and "Col de la Croix" in page.text

        # he joins with his sports identity and a message: pending on both sides
        joined = httpx.post(f"{on_b}/participations", json={"identity": "bobsports", "message": "I run 10k weekly"},
                            headers=bob)
        assert joined.status_code == 201, joined.text
        assert joined.json()["role"] == "not_approved"
        requests = wait_for(lambda: [p for p in get(f"{on_a}/participations", alice) if p["role"] == "not_approved"])
        assert [(p["identity"]["handle"], p["message"]) for p in requests] == [
            (f"bobsports@{b_url.removeprefix('http://')}", "I run 10k weekly")]

        # Alice approves on A: confirmed on B, and one place taken on both
        approved = httpx.post(f"{on_a}/participations/{requests[0]['uuid']}/approve", headers=alice)
        assert approved.status_code == 200, approved.text
        wait_for(lambda: get(f"{on_b}/participation?identity=bobsports", bob)["role"] == "participant")
        assert get(on_a)["participant_count"] == 1
        wait_for(lambda: get(on_b)["participant_count"] == 1)

        # Alice moves the start: B's copy follows
        moved = httpx.patch(on_a, json={"begins_at": f"{DAY}T10:30:00"}, headers=alice)
        assert moved.status_code == 200, moved.text
        wait_for(lambda: get(on_b)["begins_at"].startswith(f"{DAY}T08:30:00"))

        # Erin takes the second place; Frank, third, is refused because the event is full
        httpx.post(f"{on_b}/participations", json={}, headers=erin).raise_for_status()
        erin_request = wait_for(lambda: [p for p in get(f"{on_a}/participations", alice) if p["identity"]["username"] == "erin"])
        httpx.post(f"{on_a}/participations/{erin_request[0]['uuid']}/approve", headers=alice).raise_for_status()
        wait_for(lambda: get(on_b)["participant_count"] == 2 and get(on_b)["remaining_places"] == 0)
        refused = httpx.post(f"{on_b}/participations", json={}, headers=frank)
        assert refused.status_code == 409 and "full" in refused.text

        # Bob leaves: A sees it, and the place is free again on both sides
        left = httpx.delete(f"{on_b}/participations?identity=bobsports", headers=bob)
        assert left.status_code == 204, left.text
        wait_for(lambda: len(get(f"{on_a}/participations", alice)) == 2)  # Alice (creator) and Erin
        assert get(on_a)["participant_count"] == 1
        wait_for(lambda: get(on_b)["participant_count"] == 1)

        # Alice cancels: B shows it cancelled
        httpx.post(f"{on_a}/cancel", json={"message": "Storm warning"}, headers=alice).raise_for_status()
        wait_for(lambda: get(on_b)["status"] == "cancelled")

        # Carol on B follows Alice: Alice's next public event is in Carol's feed on B
        followed = httpx.post(f"{b_url}/api/v1/identities/carol/follow",
                              json={"target": f"@alice@{a_url.removeprefix('http://')}"}, headers=carol, timeout=20)
        assert followed.status_code == 202, followed.text
        wait_for(lambda: get(f"{a_url}/@alice/followers")["totalItems"] == 1)

        def feed(headers: dict[str, str]) -> list[str]:
            return [e["title"] for e in get(f"{b_url}/api/v1/me/feed", headers)["items"]]

        # B counts the follow once it has processed A's Accept, a moment after A recorded it
        wait_for(lambda: feed(carol) == ["Trail run"])  # the event B already holds
        night_run = {**EVENT, "title": "Night run", "begins_at": f"{DAY + timedelta(days=30)}T21:00:00"}
        httpx.post(f"{a_url}/api/v1/events", json=night_run, headers=alice).raise_for_status()
        wait_for(lambda: feed(carol) == ["Trail run", "Night run"])
        assert feed(bob) == []


@needs_fedify
def test_a_fedify_actor_joins_is_approved_and_leaves(fedify: str, data_dir: Path) -> None:
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        event = httpx.post(f"{url}/api/v1/events", json=EVENT, headers=alice).json()
        on_a = f"{url}/api/v1/events/{event['uuid']}"
        sent = httpx.post(f"{fedify}/_control/join", json={"event": event["url"]}, timeout=20)
        assert sent.status_code == 200, sent.text
        assert sent.json()["organiser"] == f"{url}/@alice"
        pending = wait_for(lambda: [p for p in get(f"{on_a}/participations", alice) if p["role"] == "not_approved"])
        assert pending[0]["identity"]["handle"] == f"bob@{fedify.removeprefix('http://')}"
        httpx.post(f"{on_a}/participations/{pending[0]['uuid']}/approve", headers=alice).raise_for_status()
        accept = wait_for(lambda: of_type(fedify_inbox(fedify), "Accept"), timeout=20)[0]
        assert accept["actor"] == f"{url}/@alice" and accept["object"]["id"] == sent.json()["id"]
        wait_for(lambda: of_type(fedify_inbox(fedify), "Update"), timeout=20)
        assert get(on_a)["participant_count"] == 1

        left = httpx.post(f"{fedify}/_control/leave", json={"event": event["url"]}, timeout=20)
        assert left.status_code == 200, left.text
        wait_for(lambda: get(on_a)["participant_count"] == 0)
        assert [p["role"] for p in get(f"{on_a}/participations", alice)] == ["creator"]


@needs_fedify
def test_a_fedify_actor_joining_a_full_event_is_rejected(fedify: str, data_dir: Path) -> None:
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        carol = member(app, "carol@example.org", "carol")
        event = httpx.post(f"{url}/api/v1/events", json={**EVENT, "join_mode": "free", "max_participants": 1},
                           headers=alice).json()
        httpx.post(f"{url}/api/v1/events/{event['uuid']}/participations", json={}, headers=carol).raise_for_status()
        sent = httpx.post(f"{fedify}/_control/join", json={"event": event["url"]}, timeout=20)
        assert sent.status_code == 200, sent.text
        reject = wait_for(lambda: of_type(fedify_inbox(fedify), "Reject"), timeout=20)[0]
        assert reject["object"]["id"] == sent.json()["id"]
        assert get(f"{url}/api/v1/events/{event['uuid']}")["participant_count"] == 1
