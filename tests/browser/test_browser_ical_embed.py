"""A calendar embedded in another site, in Chromium: the iframe page and the ``<convene-events>``
component on a page served from another origin (another loopback port, under the name
``localhost``, so another site for cookies too).

The visitor is logged in to the instance in the same browser, so a cookie that could be
sent is there: none is sent, none is set, and nothing is requested from anywhere but
the two servers. The component takes the page's language and its CSS custom properties;
axe finds no blocking problem in the iframe page, the component or the settings page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, Request, Response, expect

from axe_audit import audit
from browser_actions import log_in
from browser_windows import Windows
from live_site import Site
from liveserver import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

ACCENT = "rgb(200, 0, 0)"


def club_page(instance: str) -> str:
    """A community's own page, in French, that embeds the calendar both ways and themes one component."""
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le club</title>
<style>convene-events.themed {{ --convene-accent: {ACCENT}; --convene-radius: 0px; }}</style></head>
<body><main><h1>Le club</h1>
<iframe src="{instance}/@bob/embed?limit=5" title="Nos événements" width="100%" height="320"></iframe>
<script type="module" src="{instance}/embed/convene-events.js"></script>
<convene-events id="plain" src="{instance}/@bob/feed/json" limit="5"></convene-events>
<convene-events id="themed" class="themed" src="{instance}/feed/instance/json" limit="1"></convene-events>
<convene-events id="broken" src="{instance}/@nobody/feed/json"></convene-events>
</main></body></html>"""


@contextmanager
def other_site(html: str) -> Iterator[str]:
    """A plain HTTP server on another loopback port that answers every GET with ``html``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


async def bob_and_his_events(site: Site) -> None:
    bob = await site.member("bob@example.org", "bob", "Bob")
    await site.event(bob, title="Book club", begins_at="2031-03-30T10:00:00")
    picnic = await site.event(bob, title="Picnic", begins_at="2031-04-05T12:00:00", address=None,
                              online_url="https://meet.example/picnic")
    await site.api(bob, "POST", f"/events/{picnic['uuid']}/cancel", {})


async def test_another_site_embeds_the_calendar_without_cookies_or_other_hosts(page: Page, site: Site,
                                                                              windows: Windows) -> None:
    await bob_and_his_events(site)
    await log_in(page, "bob@example.org")
    cookies_before = await page.context.cookies()
    assert cookies_before, "logged in: the browser holds the instance's cookies"
    requests: list[Request] = []
    responses: list[Response] = []
    with other_site(club_page(site.url)) as club:
        page.on("request", lambda request: requests.append(request))
        page.on("response", lambda response: responses.append(response))
        await page.goto(club + "/")
        frame = page.frame_locator("iframe")
        await expect(frame.get_by_role("link", name="Book club")).to_be_visible()
        await expect(frame.get_by_text("Cancelled")).to_be_visible()
        plain = page.locator("#plain")
        await expect(plain.get_by_role("heading")).to_have_text("Bob · Convene")
        await expect(plain.get_by_role("list").get_by_role("listitem")).to_have_count(2)
        await expect(plain.get_by_role("link", name="Book club")).to_have_attribute("target", "_blank")
        await expect(plain.get_by_text("Annulé")).to_be_visible()  # the page's language
        await expect(plain.get_by_text("En ligne")).to_be_visible()
        await expect(plain.locator("time").first).to_have_attribute("datetime", "2031-03-30T10:00:00+02:00")
        await expect(page.locator("#broken").get_by_role("status")).to_have_text(
            "Les événements n’ont pas pu être chargés.")
        themed = page.locator("#themed")
        await expect(themed.get_by_role("listitem")).to_have_count(1)
        await expect(themed.get_by_role("link", name="Book club")).to_have_css("color", ACCENT)
        await expect(plain.get_by_role("link", name="Book club")).not_to_have_css("color", ACCENT)
        findings: dict[str, list[str]] = {}
        await audit(page, findings, "the component on another site")

    hosts = {urlsplit(request.url).netloc for request in requests}
    assert hosts == {urlsplit(club).netloc, urlsplit(site.url).netloc}, hosts
    to_instance = [request for request in requests if request.url.startswith(site.url)]
    assert {urlsplit(request.url).path for request in to_instance} >= {
        "/@bob/embed", "/embed/convene-embed.css", "/embed/convene-events.js", "/@bob/feed/json",
        "/feed/instance/json", "/@nobody/feed/json"}
    for request in to_instance:
        assert "cookie" not in await request.all_headers(), f"{request.url} was sent a cookie"
    for response in responses:
        assert "set-cookie" not in await response.all_headers(), f"{response.url} set a cookie"
    assert await page.context.cookies() == cookies_before
    # the feed that does not exist is the one failure the page shows, on purpose
    watched = windows.pages[page]
    watched.seen[:] = [line for line in watched.seen if "/@nobody/feed/json" not in line]
    assert not findings, findings


async def test_axe_finds_nothing_blocking_in_the_iframe_page_and_the_settings_page(page: Page, site: Site) -> None:
    await bob_and_his_events(site)
    findings: dict[str, list[str]] = {}
    await page.goto("/@bob/embed")
    await expect(page.get_by_role("link", name="Book club")).to_be_visible()
    await audit(page, findings, "iframe page")
    await log_in(page, "bob@example.org")
    await page.goto("/settings")
    await page.get_by_role("link", name="Get the code to paste").click()
    await page.get_by_label("Calendar").select_option("instance")
    await page.get_by_label("Number of events").fill("1")
    await page.get_by_role("button", name="Show the code").click()
    await expect(page.get_by_label("Works on any page")).to_have_value(
        f'<iframe src="{site.url}/embed/instance?limit=1" title="Upcoming events" width="100%" height="400" '
        'loading="lazy" style="border: 0"></iframe>')
    await expect(page.frame_locator("iframe.embed-preview").get_by_role("link", name="Book club")).to_be_visible()
    preview = page.locator("convene-events")
    await expect(preview.get_by_role("listitem")).to_have_count(1)
    await expect(preview.get_by_role("link", name="Book club")).to_be_visible()
    await audit(page, findings, "settings page")
    assert not findings, findings
