"""The main pages from a small phone to a desktop: nothing wider than the screen (no
sideways scrolling), and a full-page picture of each in test-artifacts/screenshots/ for
people to look at (kept as test artefacts, not committed)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from browser_actions import log_in
from browser_launch import artifact_path
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

WIDTHS = (360, 390, 1280)
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - innerWidth"


async def test_main_pages_fit_every_width_and_are_photographed(page: Page, site: Site) -> None:
    vic = await site.member("vic@example.org", "vic", "Victoria from the neighbourhood association")
    event = await site.event(
        vic, title="Neighbourhood garden day: planting, repairs and a shared lunch", tags=["garden", "lunch"],
        online_url="https://video.example.org/rooms/neighbourhood-garden-day-planting-and-repairs-noon",
        description="<p>Bring gloves. <strong>Lunch is shared</strong>: bring something to eat.</p>")
    await site.api(vic, "POST", f"/events/{event['uuid']}/comments", {"text": "Tools are in the shed."})
    await log_in(page, "vic@example.org")
    pages = {"home": "/", "explore": "/?tag=garden&attendance=online", "event": f"/events/{event['uuid']}",
             "event-form": "/events/new"}

    too_wide = {}
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 900})
        for name, path in pages.items():
            await page.goto(path)
            await page.screenshot(path=artifact_path("screenshots", f"{name}-{width}"), full_page=True)
            overflow = await page.evaluate(WIDER_THAN_THE_SCREEN)
            if overflow > 0:
                too_wide[f"{name} at {width} px"] = f"{overflow} px too wide"
    assert not too_wide, too_wide
