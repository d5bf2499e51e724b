"""An event made private on A leaves B, where a member follows its organiser; shared again, it comes back.

Two Convene instances over real HTTP on loopback. Bob on B follows Alice on A, and
everything is observed as Bob sees it on B: his feed, B's listing of public events,
and the copy's page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import future, wait_for
from live_fixtures import member, two_instances

EVENT = {"title": "Picnic", "begins_at": future(hour=12), "timezone": "Europe/Paris", "publish": True}
WAIT = 20


def get(url: str, headers: dict[str, str] | None = None) -> Any:
    response = httpx.get(url, headers=headers, timeout=WAIT)
    assert response.status_code == 200, response.text
    return response.json()


def in_feed(b_url: str, bob: dict[str, str], title: str) -> dict[str, Any] | None:
    """B's copy of the event called ``title``, as Bob's feed lists it; None when it is not there."""
    return next((e for e in get(f"{b_url}/api/v1/me/feed", bob)["items"] if e["title"] == title), None)


def listed(b_url: str) -> list[str]:
    """The titles of B's listing of upcoming public events."""
    return [e["title"] for e in get(f"{b_url}/api/v1/events")["items"]]


def set_visibility(a_url: str, alice: dict[str, str], event: dict[str, Any], visibility: str) -> None:
    r = httpx.patch(f"{a_url}/api/v1/events/{event['uuid']}", json={"visibility": visibility}, headers=alice)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
def test_an_event_made_private_leaves_the_followers_server_and_comes_back_when_shared_again(
    data_dir: Path, tmp_path: Path, visibility: str
) -> None:
    with two_instances(data_dir, tmp_path / "b") as (a, b):
        a_url, b_url = a.state.settings.public_url, b.state.settings.public_url
        alice = member(a, "alice@example.org", "alice")
        bob = member(b, "bob@example.org", "bob")
        alice_handle = f"@alice@{a_url.removeprefix('http://')}"
        r = httpx.post(f"{b_url}/api/v1/identities/bob/follow", json={"target": alice_handle}, headers=bob, timeout=WAIT)
        assert r.status_code == 202, r.text
        wait_for(lambda: get(f"{b_url}/@bob/following")["totalItems"] == 1, timeout=WAIT)  # B has A's Accept
        r = httpx.post(f"{a_url}/api/v1/events", json={**EVENT, "visibility": visibility}, headers=alice)
        assert r.status_code == 201, r.text
        event = r.json()

        copy = wait_for(lambda: in_feed(b_url, bob, "Picnic"), timeout=WAIT)
        assert httpx.get(f"{b_url}/events/{copy['uuid']}").status_code == 200
        assert ("Picnic" in listed(b_url)) == (visibility == "public")

        set_visibility(a_url, alice, event, "private")
        wait_for(lambda: in_feed(b_url, bob, "Picnic") is None, timeout=WAIT)
        assert httpx.get(f"{b_url}/events/{copy['uuid']}").status_code == 410
        assert httpx.get(f"{b_url}/api/v1/events/{copy['uuid']}", headers=bob).status_code == 404
        assert "Picnic" not in listed(b_url)

        set_visibility(a_url, alice, event, visibility)
        again = wait_for(lambda: in_feed(b_url, bob, "Picnic"), timeout=WAIT)
        assert again["uuid"] != copy["uuid"], "a new copy: the old one's page still says it was deleted"
        assert httpx.get(f"{b_url}/events/{again['uuid']}").status_code == 200
        assert ("Picnic" in listed(b_url)) == (visibility == "public")
