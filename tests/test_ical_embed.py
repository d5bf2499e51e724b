"""A calendar's events on other sites: the JSON feed, the iframe page, the component's file, the settings page.

What other sites read must be open to them (CORS on the feed and the module), set no
cookie, be framable where it is an embed and nowhere else, carry only what an anonymous
visitor may see, and refuse bad input with a clear 4xx.
"""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from helpers import new_event, sign_up
from plugins.ical.embed import COMPONENT
from test_security_headers import directives
from testkit import instance
from webhelpers import log_in, second_browser

FEEDS = ("/@bob/feed/json", "/feed/instance/json")
EMBEDS = ("/@bob/embed", "/embed/instance")
COMPONENT_LIMIT = 10 * 1024


def bob_with_events(client: TestClient) -> dict[str, str]:
    bob = sign_up(client, "bob@example.org", "bob")
    new_event(client, bob, title="Book club", address={"name": "Library", "locality": "Paris"},
              begins_at="2031-03-30T10:00:00", ends_at="2031-03-30T12:00:00")
    new_event(client, bob, title="Online talk", online_url="https://meet.example/talk", begins_at="2031-04-02T18:00:00")
    cancelled = new_event(client, bob, title="Picnic", begins_at="2031-04-05T12:00:00")
    assert client.post(f"/api/v1/events/{cancelled['uuid']}/cancel", headers=bob, json={}).status_code == 200
    new_event(client, bob, title="Secret draft", publish=False)
    new_event(client, bob, title="Private dinner", visibility="private")
    new_event(client, bob, title="Last year's fair", begins_at="2020-01-01T10:00:00")
    return bob


def test_the_json_feed_is_a_json_feed_with_the_upcoming_public_events(client):
    bob_with_events(client)
    for path in FEEDS:
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"] == "application/feed+json"
        feed = r.json()
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == f"http://testserver.local{path}"
        assert [item["title"] for item in feed["items"]] == ["Book club", "Online talk", "Picnic"]
        book, talk, picnic = feed["items"]
        assert book["url"].startswith("http://testserver.local/events/") and book["id"].endswith("@testserver.local")
        assert book["_convene"] == {"start": "2031-03-30T10:00:00+02:00", "end": "2031-03-30T12:00:00+02:00",
                                    "timezone": "Europe/Paris", "place": "Library, Paris", "online": None,
                                    "status": "confirmed", "url": book["url"]}
        assert talk["_convene"]["online"] == "https://meet.example/talk" and talk["_convene"]["place"] == ""
        assert picnic["_convene"]["status"] == "cancelled"
        assert client.get(path, params={"limit": 1}).json()["items"] == [book]


def test_feeds_and_embeds_are_open_to_any_site_and_set_no_cookie(client):
    bob_with_events(client)
    log_in(client, "bob@example.org")  # a member's browser sends its cookies: nothing comes back
    anonymous = second_browser(client)
    for reader in (client, anonymous):
        for path in (*FEEDS, *EMBEDS, "/embed/convene-events.js", "/embed/convene-embed.css", "/@nobody/feed/json",
                     "/feed/instance/json?limit=0", "/@nobody/embed"):
            r = reader.get(path)
            assert "set-cookie" not in r.headers, path
    for path in (*FEEDS, "/embed/convene-events.js", "/@nobody/feed/json", "/feed/instance/json?limit=x"):
        r = anonymous.get(path, headers={"Origin": "https://club.example"})
        assert r.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in r.headers, path
    assert anonymous.cookies == {}, "no cookie was set in a browser that had none"


def test_feed_and_embed_answers_show_the_same_to_members_as_to_anyone(client):
    bob_with_events(client)
    log_in(client, "bob@example.org")
    anonymous = second_browser(client)
    for path in FEEDS:
        assert client.get(path).json() == anonymous.get(path).json()
    for path in EMBEDS:
        page = client.get(path).text
        assert "Book club" in page and "Secret draft" not in page and "Private dinner" not in page
        assert page == anonymous.get(path).text


def test_only_embeds_may_be_framed_by_other_sites(client):
    bob_with_events(client)
    for path in (*EMBEDS, "/embed/instance?limit=3"):
        r = client.get(path)
        assert r.status_code == 200 and directives(r)["frame-ancestors"] == {"*"}, path
        assert directives(r)["script-src"] == {"'self'"} and "<script" not in r.text and "<form" not in r.text
    for path in ("/", "/@bob", "/settings", "/about", *FEEDS, "/embed/convene-events.js"):
        assert directives(client.get(path))["frame-ancestors"] == {"'none'"}, path


def test_the_iframe_page_lists_events_in_their_zone_and_opens_them_in_a_new_tab(client):
    bob_with_events(client)
    page = client.get("/@bob/embed").text
    assert '<link rel="stylesheet" href="/embed/convene-embed.css">' in page
    assert '<time datetime="2031-03-30T10:00:00+02:00">Mar 30, 2031, 10:00\u202fAM</time>' in page
    assert "(Europe/Paris)" in page and "Library, Paris" in page
    assert page.count('target="_blank" rel="noopener"') == 4  # the calendar's heading and its three events
    talk = page[page.index("Online talk"):page.index("Picnic")]
    assert '<span class="place">Online</span>' in talk
    picnic = page[page.index("Picnic"):]
    assert '<strong class="badge">Cancelled</strong>' in picnic
    for hidden in ("Secret draft", "Private dinner", "Last year"):
        assert hidden not in page
    french = client.get("/@bob/embed", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    assert '<html lang="fr">' in french and "30 mars 2031, 10:00" in french and "Annulé" in french
    assert "Événements à venir\u00a0: bob" in french


def test_bad_input_is_refused_with_a_clear_4xx(client):
    bob_with_events(client)
    for path in FEEDS:
        for limit in ("0", "51", "-1", "ten", "9" * 30):
            r = client.get(path, params={"limit": limit})
            assert r.status_code == 400 and r.headers["content-type"] == "application/json", (path, limit)
            assert r.json()["errors"][0]["field"] == "limit"
    assert client.get("/@nobody/feed/json").json() == {"status_code": 404, "detail": "no such identity"}
    assert client.get("/bob/feed/json").status_code == 404
    for path in EMBEDS:
        assert client.get(path, params={"limit": "51"}).status_code == 400
    assert client.get("/@nobody/embed").status_code == 404
    assert client.get("/embed/instance?limit=%00").status_code == 400


def test_a_hidden_event_is_in_no_feed_and_no_embed(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        new_event(client, bob, title="Durian tasting")
        new_event(client, bob, title="Book club")
    with instance(data_dir, "testkit_policy", testkit_policy={"banned_words": ["durian"]}) as client:
        for path in (*FEEDS, *EMBEDS):
            text = client.get(path).text
            assert "Book club" in text and "Durian" not in text, path


def test_the_component_is_one_small_module_served_for_any_site(client, record_property):
    size = Path(COMPONENT).stat().st_size
    record_property("component_bytes", size)
    print(f"convene-events.js: {size} bytes")
    assert size < COMPONENT_LIMIT, f"the component is {size} bytes"
    r = client.get("/embed/convene-events.js")
    assert r.status_code == 200 and r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age=86400" in r.headers["cache-control"] and r.headers["etag"]
    assert "customElements.define(\"convene-events\"" in r.text and "import " not in r.text
    assert 'credentials: "omit"' in r.text and "innerHTML" not in r.text


def test_the_settings_page_gives_the_snippets_of_my_calendars_only(client):
    bob_with_events(client)
    sign_up(client, "alice@example.org", "alice")
    r = client.post("/api/v1/identities", json={"username": "carolsclub"},
                    headers=sign_up(client, "carol@example.org", "carol"))
    assert r.status_code == 201, r.text
    log_in(client, "bob@example.org")
    settings = client.get("/settings").text
    assert '<a href="/settings/embed">Get the code to paste</a>' in settings
    page = client.get("/settings/embed").text
    assert '<option value="@bob" selected>@bob</option>' in page and '<option value="instance">' in page
    assert "@alice" not in page and "@carol" not in page and "carolsclub" not in page
    assert ('&lt;iframe src="http://testserver.local/@bob/embed?limit=5" title="Upcoming events"' in page)
    assert ('&lt;convene-events src="http://testserver.local/@bob/feed/json" limit="5"&gt;' in page)
    assert '&lt;script type="module" src="http://testserver.local/embed/convene-events.js"&gt;' in page
    assert '<iframe class="embed-preview" src="/@bob/embed?limit=5"' in page
    chosen = client.get("/settings/embed", params={"calendar": "instance", "limit": 3}).text
    assert "http://testserver.local/feed/instance/json&quot; limit=&quot;3&quot;" not in chosen
    assert 'src="http://testserver.local/feed/instance/json" limit="3"' in chosen
    assert client.get("/settings/embed", params={"calendar": "@alice"}).status_code == 422
    assert client.get("/settings/embed", params={"limit": 0}).status_code == 400
    client.cookies.clear()
    assert client.get("/settings/embed", follow_redirects=False).status_code in (302, 303)
