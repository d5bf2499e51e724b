"""The same URL is a page for people and an ActivityStreams document for servers."""

from __future__ import annotations

from helpers import new_event, next_in, sign_up

AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


def test_identity_url_serves_html_or_a_person_actor(client):
    sign_up(client, "alice@example.org", "alice")
    assert "<html" in client.get("/@alice").text
    for headers in (AP, LD):
        r = client.get("/@alice", headers=headers)
        assert r.headers["content-type"].startswith("application/activity+json")
        actor = r.json()
        assert actor["type"] == "Person" and actor["id"] == "http://testserver.local/@alice"
        assert actor["inbox"] == "http://testserver.local/@alice/inbox"
        assert actor["endpoints"]["sharedInbox"] == "http://testserver.local/inbox"
        assert actor["publicKey"]["owner"] == actor["id"] and "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
    assert client.get("/@nobody", headers=AP).status_code == 404
    assert client.get("/@nobody").status_code == 404


def test_event_url_serves_an_fep_8a8e_event_and_a_tombstone_once_deleted(client):
    alice = sign_up(client, "alice@example.org", "alice")
    day = next_in(5).date()  # in May, when Paris is UTC+2
    event = new_event(client, alice, title="Repair café", max_participants=12, join_mode="restricted", tags=["repair"],
                      address={"name": "Library", "street": "2 Rue Haute", "postal_code": "69001", "locality": "Lyon",
                               "country": "France"}, begins_at=f"{day}T18:00:00",
                      ends_at=f"{day}T20:00:00")
    doc = client.get(f"/events/{event['uuid']}", headers=AP).json()
    assert doc["type"] == "Event" and doc["id"] == event["url"] and doc["name"] == "Repair café"
    assert doc["startTime"] == f"{day}T16:00:00Z" and doc["endTime"] == f"{day}T18:00:00Z"
    assert doc["timezone"] == "Europe/Paris" and doc["joinMode"] == "restricted"
    assert doc["maximumAttendeeCapacity"] == 12 and doc["remainingAttendeeCapacity"] == 12
    assert doc["location"]["address"]["addressLocality"] == "Lyon" and doc["location"]["name"] == "Library"
    assert doc["attributedTo"] == "http://testserver.local/@alice" and doc["ical:status"] == "CONFIRMED"
    assert {"type": "Hashtag", "name": "#repair", "href": "http://testserver.local/tags/repair"} in doc["tag"]
    assert "https://www.w3.org/ns/activitystreams#Public" in doc["to"]

    draft = new_event(client, alice, publish=False)
    assert client.get(f"/events/{draft['uuid']}", headers=AP).status_code == 404

    assert client.delete(f"/api/v1/events/{event['uuid']}", headers=alice).status_code == 204
    gone = client.get(f"/events/{event['uuid']}", headers=AP)
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone" and gone.json()["formerType"] == "Event"
    page = client.get(f"/events/{event['uuid']}")
    assert page.status_code == 410 and "This event was deleted" in page.text, "people get a page saying so"
