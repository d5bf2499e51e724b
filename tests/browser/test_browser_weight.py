"""What the event page costs a phone on a slow network: under 100 KB of CSS and JavaScript
together, and nothing fetched from anywhere but the instance (no CDN sees the reader)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, Response

from browser_actions import log_in
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

BUDGET = 100 * 1024


async def test_the_event_page_ships_under_100_kb_of_css_and_js_all_from_the_instance(page: Page, site: Site) -> None:
    uma = await site.member("uma@example.org", "uma", "Uma")
    event = await site.event(uma, title="Seed swap")
    await site.api(uma, "POST", f"/events/{event['uuid']}/comments", {"text": "Tomatoes welcome."})
    await log_in(page, "uma@example.org")
    answers: list[Response] = []
    page.on("response", lambda answer: answers.append(answer))
    await page.goto(f"/events/{event['uuid']}", wait_until="networkidle")

    code = {answer.url: len(await answer.body()) for answer in answers
            if answer.request.resource_type in ("stylesheet", "script")}
    assert code, "the page loaded no stylesheet at all"
    assert sum(code.values()) < BUDGET, f"{sum(code.values())} bytes of CSS and JS: {code}"
    elsewhere = [answer.url for answer in answers if not answer.url.startswith(site.url)]
    assert not elsewhere, f"the page fetched from other sites: {elsewhere}"
