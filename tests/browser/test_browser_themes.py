"""Switching themes in Chromium: the same instance and database served with the default
theme, then with ``theme = "harbour"`` (the operator changes the config and restarts),
shows harbour's frame and cards, falls back to the default templates for the rest, and
stays accessible."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from axe_audit import blocking_violations
from helpers import next_in
from live_site import Site, live_site

pytestmark = pytest.mark.asyncio(loop_scope="session")

INSTANCE = {"name": "Quayside", "description": "Boats, tides and neighbours."}
HARBOUR_NAVY = "rgb(20, 33, 61)"


async def test_switching_to_the_harbour_theme(page: Page, site: Site) -> None:
    org = await site.member("org@example.org", "org", "Org")
    regatta = next_in(5, hour=10)  # the harbour theme's cards write the day and the month out
    event = await site.event(org, title="Regatta", begins_at=regatta.isoformat())

    await page.goto("/")
    await expect(page.locator("main ul.events").get_by_role("link", name="Regatta")).to_be_visible()
    await expect(page.locator(".tagline")).to_have_count(0)

    with live_site(site.settings.data_dir, theme="harbour", instance=INSTANCE) as harbour:
        await page.goto(f"{harbour.url}/")
        await expect(page.locator(".tagline")).to_have_text("Boats, tides and neighbours.")
        await expect(page.locator("header.site")).to_have_css("background-color", HARBOUR_NAVY)
        card = page.locator("main ul.cards > li").filter(has_text="Regatta")
        await expect(card.locator("time.tile")).to_have_text(f"{regatta.day} May")
        await expect(page.get_by_role("contentinfo")).to_contain_text("Runs on Convene, free software.")
        assert not await blocking_violations(page)

        await card.get_by_role("link", name="Regatta").click()  # a template harbour does not override
        await expect(page).to_have_url(f"{harbour.url}/events/{event['uuid']}")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Regatta")
        await expect(page.locator(".tagline")).to_have_text("Boats, tides and neighbours.")
