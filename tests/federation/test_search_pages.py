"""The search page: a pasted address opens the event, a remote person can be followed from it."""

from __future__ import annotations

import msgspec
from litestar.testing import TestClient

from helpers import new_event, sign_up, wait_for
from peer_fixtures import RemoteActor
from security_fixtures import answer
from test_remote_events import activity, event_object, send
from webhelpers import csrf_token, log_in


def test_a_pasted_event_address_opens_its_page_here(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    log_in(instance, "alice@example.org")
    obj = event_object(mallory)
    mallory.server.serve_document("/events/1", obj)
    found = instance.get("/search", params={"q": obj["id"]}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"].startswith("/events/")
    page = instance.get(found.headers["location"])
    assert "Bike repair café" in page.text and "Atelier" in page.text


def test_our_own_event_address_opens_our_event(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    log_in(instance, "alice@example.org")
    event = new_event(instance, alice)
    found = instance.get("/search", params={"q": event["url"]}, follow_redirects=False)
    assert found.headers["location"] == f"/events/{event['uuid']}"


def test_a_remote_person_is_shown_and_followed(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    log_in(instance, "alice@example.org")
    jrd = {"subject": f"acct:mallory@{mallory.host}",
           "links": [{"rel": "self", "type": "application/activity+json", "href": mallory.id}]}
    mallory.server.routes[f"/.well-known/webfinger?resource=acct:mallory@{mallory.host}"] = answer(
        200, msgspec.json.encode(jrd), {"Content-Type": "application/jrd+json"})
    handle = f"@mallory@{mallory.host}"
    page = instance.get("/search", params={"q": handle})
    assert page.status_code == 200 and "Mallory" in page.text and "Follow as" in page.text
    followed = instance.post("/search/follow", data={"target": handle, "_csrf_token": csrf_token(page.text)})
    assert followed.status_code == 200 and "Follow request sent" in followed.text
    request = wait_for(lambda: [a for a in mallory.activities() if a["type"] == "Follow"])[0]
    assert request["actor"].endswith("/@alice") and request["object"] == mallory.id
    send(instance, mallory, activity(mallory, "Accept", request["id"]))
    send(instance, mallory, activity(mallory, "Create", event_object(mallory)))
    again = instance.get("/search", params={"q": handle})
    assert "You follow them" in again.text and "Bike repair café" in again.text


def test_unusable_searches_say_why_next_to_the_field(instance: TestClient) -> None:
    sign_up(instance, "alice@example.org", "alice")
    anonymous = instance.get("/search", params={"q": "@someone@example.org"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    log_in(instance, "alice@example.org")
    refused = instance.get("/search", params={"q": "http://127.0.0.1:9/nothing"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    bad_follow = instance.post("/search/follow", data={"target": "x", "_csrf_token": csrf_token(instance.get("/search").text)})
    assert bad_follow.status_code == 422 and "choose someone" in bad_follow.text
