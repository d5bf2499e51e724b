"""Events through the API: drafts, publishing, editing, cancelling, deleting, validation, listings."""

from __future__ import annotations

import io

from PIL import Image

from helpers import field_errors, future, future_dt, new_event, next_in, sign_up


def test_draft_is_private_until_published(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    draft = new_event(client, alice, title="Secret plan", publish=False)
    assert draft["draft"] is True and draft["published_at"] is None
    assert client.get(f"/api/v1/events/{draft['uuid']}").status_code == 404
    assert client.get(f"/api/v1/events/{draft['uuid']}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/events/{draft['uuid']}", headers=alice).status_code == 200
    assert client.get("/api/v1/events").json()["total"] == 0
    drafts = client.get("/api/v1/me/events?kind=drafts", headers=alice).json()
    assert [e["uuid"] for e in drafts["items"]] == [draft["uuid"]]
    # a draft can be edited and deleted privately
    assert client.patch(f"/api/v1/events/{draft['uuid']}", headers=alice, json={"title": "Open plan"}).status_code == 200
    published = client.post(f"/api/v1/events/{draft['uuid']}/publish", headers=alice).json()
    assert published["draft"] is False and published["title"] == "Open plan"
    assert client.get(f"/api/v1/events/{draft['uuid']}").status_code == 200
    assert client.post(f"/api/v1/events/{draft['uuid']}/publish", headers=alice).status_code == 409


def test_times_are_stored_in_utc_with_the_timezone_beside_them(client):
    alice = sign_up(client, "alice@example.org", "alice")
    day = next_in(7).date()  # Paris is UTC+2 in July
    event = new_event(client, alice, begins_at=f"{day}T10:00:00", ends_at=f"{day}T12:30:00", timezone="Europe/Paris")
    assert event["begins_at"] == f"{day}T08:00:00Z"
    assert event["ends_at"] == f"{day}T10:30:00Z"
    assert event["timezone"] == "Europe/Paris"
    explicit = new_event(client, alice, begins_at=f"{day}T10:00:00-04:00", timezone="America/New_York")
    assert explicit["begins_at"] == f"{day}T14:00:00Z"


def test_all_fields_round_trip(client):
    alice = sign_up(client, "alice@example.org", "alice")
    event = new_event(
        client, alice, title="Climate march", description='<p>Bring <b>signs</b></p><img src=x onerror="alert(1)">',
        address={"name": "Town hall", "street": "1 Main St", "postal_code": "75001", "locality": "Paris",
                 "region": "IDF", "country": "France", "latitude": 48.85, "longitude": 2.35},
        online_url="https://stream.example/live", tags=["Climate", "climate", "Street Action"], category="MOVEMENTS_POLITICS",
        status="tentative", visibility="unlisted", join_mode="restricted", max_participants=50, comments_enabled=False,
    )
    assert event["description"] == "<p>Bring <b>signs</b></p>"
    assert event["address"]["locality"] == "Paris" and event["address"]["latitude"] == 48.85
    assert event["tags"] == ["climate", "street-action"]
    assert (event["category"], event["status"], event["visibility"], event["join_mode"]) == (
        "MOVEMENTS_POLITICS", "tentative", "unlisted", "restricted")
    assert event["max_participants"] == 50 and event["remaining_places"] == 50 and event["comments_enabled"] is False
    # unlisted: reachable by link, not listed
    assert client.get(f"/api/v1/events/{event['uuid']}").status_code == 200
    assert client.get("/api/v1/events").json()["total"] == 0


def test_bad_input_names_the_field_and_writes_nothing(client):
    alice = sign_up(client, "alice@example.org", "alice")
    base = {"title": "ok", "begins_at": future(hour=10)}
    cases = [
        ({"title": "t" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"ends_at": future(hour=9)}, "ends_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"max_participants": 0}, "max_participants"),
        ({"category": "NOPE"}, "category"),
        ({"visibility": "secret"}, "visibility"),
        ({"join_mode": "external"}, "external_participation_url"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"begins_at": "not a date"}, "begins_at"),
        ({"address": {"latitude": 91, "longitude": 0}}, "address.latitude"),
        ({"tags": ["t"] * 11}, "tags"),
        ({"status": "cancelled"}, "status"),
        ({"surprise": 1}, "surprise"),
    ]
    for change, field in cases:
        r = client.post("/api/v1/events", headers=alice, json={**base, **change})
        assert r.status_code in (400, 422), (change, r.text)
        assert field in field_errors(r), (change, r.text)
    r = client.post("/api/v1/events", headers=alice, json={"description": "no title or start"})
    assert {"title"} <= set(field_errors(r))
    assert client.get("/api/v1/me/events?kind=drafts", headers=alice).json()["total"] == 0


def test_unknown_and_malformed_uuid_are_404(client):
    assert client.get("/api/v1/events/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/api/v1/events/not-a-uuid").status_code == 404


def test_only_the_organiser_edits_cancels_and_deletes(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    event = new_event(client, alice)
    uuid = event["uuid"]
    assert client.patch(f"/api/v1/events/{uuid}", headers=bob, json={"title": "mine"}).status_code == 403
    assert client.post(f"/api/v1/events/{uuid}/cancel", headers=bob, json={}).status_code == 403
    assert client.delete(f"/api/v1/events/{uuid}", headers=bob).status_code == 403
    assert client.patch(f"/api/v1/events/{uuid}", json={"title": "anon"}).status_code == 401
    assert client.get(f"/api/v1/events/{uuid}").json()["title"] == "Book club"


def test_edit_then_cancel_then_delete(client):
    alice = sign_up(client, "alice@example.org", "alice")
    uuid = new_event(client, alice)["uuid"]
    day = next_in(5).date()  # Paris is UTC+2 in May
    r = client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"begins_at": f"{day}T18:00:00", "max_participants": 3})
    assert r.status_code == 200 and r.json()["begins_at"] == f"{day}T16:00:00Z" and r.json()["title"] == "Book club"
    r = client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"ends_at": f"{day}T17:00:00"})
    assert r.status_code == 422 and "ends_at" in field_errors(r)
    r = client.post(f"/api/v1/events/{uuid}/cancel", headers=alice, json={"message": "Rain <script>x</script>"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancellation_message"] == "Rain"
    assert client.get(f"/api/v1/events/{uuid}").json()["status"] == "cancelled"
    assert client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"title": "x"}).status_code == 409
    assert client.delete(f"/api/v1/events/{uuid}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/events/{uuid}").status_code == 404


def test_banner_upload(client):
    alice = sign_up(client, "alice@example.org", "alice")
    uuid = new_event(client, alice)["uuid"]
    out = io.BytesIO()
    Image.new("RGB", (2400, 800), (0, 90, 200)).save(out, format="JPEG")
    r = client.put(f"/api/v1/events/{uuid}/banner", headers=alice, files={"data": ("b.jpg", out.getvalue(), "image/jpeg")})
    assert r.status_code == 200
    served = client.get(r.json()["banner_url"].replace("http://testserver.local", ""))
    assert Image.open(io.BytesIO(served.content)).size == (1920, 640)
    r = client.put(f"/api/v1/events/{uuid}/banner", headers=alice, files={"data": ("b.txt", b"hello", "text/plain")})
    assert r.status_code == 422 and "banner" in field_errors(r)


def test_public_listing_filters_and_pagination(client):
    alice = sign_up(client, "alice@example.org", "alice")
    for day in range(1, 26):
        new_event(client, alice, title=f"Event {day:02}", begins_at=future(30 + day, 10),
                  category="SPORTS" if day % 5 == 0 else "MEETING", tags=["run"] if day % 2 else [],
                  online_url="https://meet.example/x" if day == 7 else "",
                  address={"locality": "Lyon"} if day == 8 else None)
    new_event(client, alice, title="Long ago", begins_at="2020-01-01T10:00:00")
    first = client.get("/api/v1/events?per_page=10").json()
    assert first["total"] == 25 and len(first["items"]) == 10 and first["items"][0]["title"] == "Event 01"
    third = client.get("/api/v1/events?per_page=10&page=3").json()
    assert [e["title"] for e in third["items"]] == [f"Event {d}" for d in range(21, 26)]
    assert client.get("/api/v1/events?category=SPORTS").json()["total"] == 5
    assert client.get("/api/v1/events?tag=run").json()["total"] == 13
    assert client.get("/api/v1/events?text=event 1").json()["total"] == 10
    assert [e["title"] for e in client.get("/api/v1/events?online=true").json()["items"]] == ["Event 07"]
    assert [e["title"] for e in client.get("/api/v1/events?text=lyon").json()["items"]] == ["Event 08"]
    after, before = future_dt(40, 0).isoformat() + "Z", future_dt(42, 0).isoformat() + "Z"
    window = client.get(f"/api/v1/events?starts_after={after}&starts_before={before}").json()
    assert [e["title"] for e in window["items"]] == ["Event 10", "Event 11"]
    r = client.get("/api/v1/events?per_page=1000")
    assert r.status_code == 400 and "per_page" in field_errors(r)
    assert [e["title"] for e in client.get("/api/v1/me/events?kind=past", headers=alice).json()["items"]] == ["Long ago"]


def test_openapi_document_describes_the_api(client):
    doc = client.get("/schema/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/events", "/api/v1/events/{uuid}", "/api/v1/events/{uuid}/participations",
                 "/api/v1/events/{uuid}/comments", "/api/v1/identities", "/api/v1/accounts", "/api/v1/auth/token"):
        assert path in doc["paths"], path
    assert "EventOut" in str(doc["components"]["schemas"])


def test_the_api_reference_page_shows_every_operation_without_scripts(client):
    """/schema used to start a CDN viewer with an inline script, which the CSP blocks: a blank page."""
    doc = client.get("/schema/openapi.json").json()
    page = client.get("/schema", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"<code>{method.upper()} {path}</code>" in page.text, (method, path)
    assert '<code>EventOut</code>' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
