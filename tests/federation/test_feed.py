"""The feed page and API: upcoming events of the people a member follows, and only theirs."""

from __future__ import annotations

from litestar.testing import TestClient

from helpers import sign_up, wait_for
from peer_fixtures import RemoteActor, host_actor
from security_fixtures import LocalServer
from test_remote_events import activity, event_object, send
from webhelpers import log_in


def test_the_feed_shows_upcoming_events_of_followed_people_only(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: object
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    r = instance.post("/api/v1/identities/alice/follow", json={"target": mallory.id}, headers=alice)
    assert r.status_code == 202, r.text
    follow = wait_for(lambda: [a for a in mallory.activities() if a["type"] == "Follow"])[0]
    send(instance, mallory, activity(mallory, "Accept", follow["id"]))
    trent = host_actor(local_server, "trent", other_key)  # type: ignore[arg-type]
    send(instance, mallory, activity(mallory, "Create", event_object(mallory, 1, name="Bike repair café")))
    send(instance, mallory, activity(mallory, "Create", event_object(mallory, 2, name="Old ride",
                                                                      startTime="2001-05-01T18:00:00+02:00",
                                                                      endTime="2001-05-01T20:00:00+02:00"), 2))
    send(instance, trent, activity(trent, "Create", event_object(trent, 3, name="Not followed")))

    api = instance.get("/api/v1/me/feed", headers=alice).json()
    assert [e["title"] for e in api["items"]] == ["Bike repair café"] and api["total"] == 1

    anonymous = instance.get("/feed", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    log_in(instance, "alice@example.org")
    home = instance.get("/")
    assert 'href="/feed"' in home.text
    page = instance.get("/feed")
    assert page.status_code == 200
    assert "Bike repair café" in page.text and "Old ride" not in page.text and "Not followed" not in page.text
