"""Remote events between two Convene instances over real HTTP: found by search, then kept up to date by delivery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from core.context import Ctx
from core.events.models import Event
from helpers import next_in, wait_for
from live_fixtures import in_transaction, member, two_instances

PLACE = {"name": "Parc de la Tête d'Or", "locality": "Lyon"}
NOON = next_in(6, hour=12)  # in June, when Paris is UTC+2
EVENT = {"title": "Picnic", "begins_at": NOON.isoformat(), "timezone": "Europe/Paris", "publish": True,
         "address": PLACE}


def remote_titles(app: Any) -> dict[str, str]:
    """Title by status of the events an instance holds whose organiser is remote."""

    async def load(ctx: Ctx) -> dict[str, str]:
        events = await ctx.session.scalars(select(Event))
        return {e.title: e.status for e in events if not e.organizer.is_local}

    return in_transaction(app.state.settings, load)


def test_an_event_found_by_url_then_followed_through_its_lifecycle(data_dir: Path, tmp_path: Path) -> None:
    with two_instances(data_dir, tmp_path / "other-instance") as (first, second):
        first_url, second_url = first.state.settings.public_url, second.state.settings.public_url
        alice_handle = f"alice@{first_url.removeprefix('http://')}"
        alice = member(first, "alice@example.org", "alice")
        bob = member(second, "bob@example.org", "bob")
        published = httpx.post(f"{first_url}/api/v1/events", json=EVENT, headers=alice).json()

        found = httpx.get(f"{second_url}/api/v1/search", params={"q": published["url"]}, headers=bob, timeout=20)
        assert found.status_code == 200, found.text
        copy = found.json()
        assert copy["title"] == "Picnic" and copy["begins_at"].startswith(f"{NOON.date()}T10:00:00")
        assert copy["address"]["name"] == PLACE["name"] and copy["organizer"]["handle"] == alice_handle
        assert copy["uuid"] != published["uuid"] and copy["url"].startswith(second_url)
        page = httpx.get(f"{second_url}/events/{copy['uuid']}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Picnic" in page.text and alice_handle in page.text
        again = httpx.get(f"{second_url}/api/v1/search", params={"q": published["url"]}, headers=bob, timeout=20)
        assert again.json()["uuid"] == copy["uuid"]
        profile = httpx.get(f"{second_url}/api/v1/search", params={"q": f"@{alice_handle}"}, headers=bob, timeout=20)
        assert profile.status_code == 200 and profile.json()["handle"] == alice_handle
        ours = httpx.get(f"{first_url}/api/v1/search", params={"q": published["url"]}, headers=alice)
        assert ours.json()["uuid"] == published["uuid"]

        r = httpx.post(f"{second_url}/api/v1/identities/bob/follow", json={"target": f"@{alice_handle}"},
                       headers=bob, timeout=20)
        assert r.status_code == 202, r.text
        wait_for(lambda: httpx.get(f"{first_url}/@alice/followers").json()["totalItems"] == 1)
        second_event = httpx.post(f"{first_url}/api/v1/events", json={**EVENT, "title": "Swim"}, headers=alice).json()
        wait_for(lambda: remote_titles(second).get("Swim") == "confirmed")
        edited = httpx.patch(f"{first_url}/api/v1/events/{second_event['uuid']}", json={"title": "Long swim"},
                             headers=alice)
        assert edited.status_code == 200, edited.text
        wait_for(lambda: "Long swim" in remote_titles(second) and "Swim" not in remote_titles(second))
        cancelled = httpx.post(f"{first_url}/api/v1/events/{second_event['uuid']}/cancel", json={}, headers=alice)
        assert cancelled.status_code == 200, cancelled.text
        wait_for(lambda: remote_titles(second).get("Long swim") == "cancelled")
        deleted = httpx.delete(f"{first_url}/api/v1/events/{second_event['uuid']}", headers=alice)
        assert deleted.status_code == 204, deleted.text
        wait_for(lambda: "Long swim" not in remote_titles(second))
        assert remote_titles(first) == {}
