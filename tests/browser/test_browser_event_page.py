"""What the event page offers a reader in Chromium besides taking part: their own time
beside the event's when their clock differs, the place on OpenStreetMap, and sharing by
a copied link, by email and to their own Mastodon server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.async_api import Page, Route, expect

from browser_actions import log_in
from browser_windows import Windows
from helpers import next_in
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_YORK = "America/New_York"
THURSDAY = next_in(5, weekday=3)  # 18:00 on a Thursday in May: summer time in Paris and New York alike
DAY = f"Thursday, May {THURSDAY.day}, {THURSDAY.year}"  # as the page writes it out


async def stand_in_for(page: Page, site_pattern: str) -> list[str]:
    """Answer the page's visits to another site with a blank page (the tests stay offline);
    returns the addresses it was sent to."""
    visited: list[str] = []

    async def answer(route: Route) -> None:
        visited.append(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>elsewhere</title>")

    await page.route(site_pattern, answer)
    return visited


async def test_a_reader_in_another_timezone_sees_their_own_time_beside_the_events(
        windows: Windows, site: Site) -> None:
    org = await site.member("org@example.org", "org", "Org")
    event = await site.event(org, title="Book club", begins_at=THURSDAY.isoformat(), timezone="Europe/Paris")
    path = f"/events/{event['uuid']}"

    abroad = await windows.open(timezone_id=NEW_YORK)
    await abroad.goto(path)
    when = abroad.locator("dl.facts dd").first
    await expect(when).to_contain_text(DAY)
    # 18:00 in Paris (summer time, UTC+2) is noon in New York (UTC-4)
    await expect(when.locator(".viewer-time")).to_have_text(
        re.compile(rf"^Your time \(America/New_York\): {DAY} at 12:00\sPM$"))

    at_home = await windows.open(timezone_id="Europe/Paris")
    await at_home.goto(path)
    await expect(at_home.locator("dl.facts dd").first).to_contain_text(DAY)
    await expect(at_home.locator(".viewer-time")).to_have_count(0)

    await site.api(org, "PATCH", "/account", {"timezone": NEW_YORK})
    await log_in(at_home, "org@example.org")  # a member's chosen timezone wins over the browser's
    await at_home.goto(path)
    await expect(at_home.locator(".viewer-time")).to_contain_text("Your time (America/New_York):")


async def test_the_place_opens_on_openstreetmap(page: Page, site: Site) -> None:
    org = await site.member("org@example.org", "org", "Org")
    by_address = await site.event(org, title="Book club")
    by_coordinates = await site.event(org, title="Picnic", address={"name": "Parc", "locality": "Paris",
                                                                    "latitude": 48.8566, "longitude": 2.3522})
    visited = await stand_in_for(page, "https://www.openstreetmap.org/**")

    await page.goto(f"/events/{by_address['uuid']}")
    await page.get_by_role("link", name="Show on OpenStreetMap").click()
    await expect(page).to_have_title("elsewhere")
    assert visited[-1] == "https://www.openstreetmap.org/search?query=1+rue+des+Livres%2C+75001%2C+Paris%2C+France"

    await page.goto(f"/events/{by_coordinates['uuid']}")
    await expect(page.get_by_role("link", name="Show on OpenStreetMap")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=48.8566&mlon=2.3522#map=17/48.8566/2.3522")


async def test_the_copy_button_copies_the_events_link(windows: Windows, site: Site) -> None:
    org = await site.member("org@example.org", "org", "Org")
    event = await site.event(org, title="Book club")
    page = await windows.open(permissions=["clipboard-read", "clipboard-write"])
    await page.goto(f"/events/{event['uuid']}")
    share = page.get_by_role("region", name="Share")
    await share.get_by_role("button", name="Copy the link").click()
    await expect(share.get_by_role("status")).to_have_text("Link copied.")
    assert await page.evaluate("navigator.clipboard.readText()") == f"{site.url}/events/{event['uuid']}"


async def test_sharing_by_email_and_to_a_mastodon_server(page: Page, site: Site) -> None:
    org = await site.member("org@example.org", "org", "Org")
    event = await site.event(org, title="Book club & tea", begins_at=THURSDAY.isoformat())
    link = f"{site.url}/events/{event['uuid']}"
    await page.goto(f"/events/{event['uuid']}")
    share = page.get_by_role("region", name="Share")

    email = urlsplit(await share.get_by_role("link", name="Share by email").get_attribute("href") or "")
    written = parse_qs(email.query)
    assert email.scheme == "mailto" and written["subject"] == ["Book club & tea"]
    assert written["body"][0].startswith(f"Book club & tea\n{DAY}") and written["body"][0].endswith(link)

    await share.get_by_label("Your Mastodon server").fill("not a server")
    await share.get_by_role("button", name="Share on Mastodon").click()
    await expect(page.get_by_role("region", name="Share").get_by_label("Your Mastodon server")).to_have_accessible_description(
        re.compile("enter your server's name, like mastodon.social"))

    visited = await stand_in_for(page, "https://social.example.org/**")
    await page.get_by_role("region", name="Share").get_by_label("Your Mastodon server").fill("@me@Social.Example.org")
    await page.get_by_role("region", name="Share").get_by_role("button", name="Share on Mastodon").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Share on Mastodon")
    assert visited == [], "a page says where the link goes; nothing leaves this site before the reader follows it"
    await page.get_by_role("link", name="Go to social.example.org and write the post").click()
    await expect(page).to_have_title("elsewhere")
    assert visited == [f"https://social.example.org/share?text={quote(f'Book club & tea{chr(10)}{link}', safe='')}"]
