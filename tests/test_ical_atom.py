"""Atom feeds beside the ICS ones (RFC 4287), read with xml.etree: the same events, each
entry saying when and where, titles escaped, and the same conditional answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from helpers import new_event, sign_up
from testkit import instance

A = "{http://www.w3.org/2005/Atom}"
ATOM = "application/atom+xml; charset=utf-8"


def feed(response) -> ET.Element:  # noqa: ANN001
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ATOM
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    return root


def entries(root: ET.Element) -> dict[str, ET.Element]:
    return {entry.findtext(f"{A}title"): entry for entry in root.findall(f"{A}entry")}


def test_an_identity_atom_feed_has_one_entry_per_public_event_with_when_and_where(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, bob, title="Fish & chips", begins_at="2031-06-14T10:00:00+02:00",
                          ends_at="2031-06-14T12:00:00+02:00",
                          address={"name": "Town hall", "locality": "Lyon", "country": "France"})
        new_event(client, bob, title="Secret dinner", visibility="private")
        response = client.get("/@bob/feed/atom")
        assert b"Fish &amp; chips" in response.content
        root = feed(response)
        for required in ("id", "title", "updated"):
            assert root.findtext(f"{A}{required}")
        assert root.find(f"{A}link[@rel='self']").get("href") == "http://testserver.local/@bob/feed/atom"
        (entry,) = entries(root).values()
        assert entry.findtext(f"{A}title") == "Fish & chips"
        assert entry.findtext(f"{A}id") == f"urn:uuid:{event['uuid']}"
        assert entry.find(f"{A}link").get("href") == f"http://testserver.local/events/{event['uuid']}"
        assert entry.findtext(f"{A}author/{A}name") == "bob"
        summary = entry.findtext(f"{A}summary")
        assert "10:00" in summary and "12:00" in summary and "Europe/Paris" in summary
        assert "Town hall" in summary and "Lyon" in summary


def test_the_instance_atom_feed_answers_304_to_its_etag(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        new_event(client, bob, title="Book club")
        first = client.get("/feed/instance/atom")
        assert set(entries(feed(first))) == {"Book club"}
        assert client.get("/feed/instance/atom", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        assert first.headers["etag"] != client.get("/feed/instance/ics").headers["etag"]


def test_a_private_feed_has_an_atom_twin(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        new_event(client, bob, title="Bob's private dinner", visibility="private")
        made = client.post("/api/v1/me/calendar-feeds", json={}, headers=bob).json()
        root = feed(client.get(made["atom_url"].removeprefix("http://testserver.local")))
        assert set(entries(root)) == {"Bob's private dinner"}
