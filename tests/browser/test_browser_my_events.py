""""My events" in Chromium: each tab (organising, going, waiting for approval, drafts,
past) lists the right events of all the member's identities, and only those."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from browser_actions import log_in
from helpers import future
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def open_tab(page: Page, name: str) -> None:
    await page.get_by_role("navigation", name="Kinds of events").get_by_role("link", name=name).click()
    await expect(page.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
    await expect(page.get_by_role("heading", level=2)).to_have_text(name)


async def expect_listed(page: Page, titles: list[str]) -> None:
    await expect(page.locator("main ul.events > li strong")).to_have_text(titles)


async def test_each_tab_lists_its_events(page: Page, site: Site) -> None:
    kit = await site.member("kit@example.org", "kit", "Kit")
    await site.api(kit, "POST", "/identities", {"username": "kit_outdoors", "display_name": "Kit outdoors"})
    await site.event(kit, title="Garden party", begins_at=future(30, 15))
    await site.event(kit, title="Winter market", begins_at=future(60, 10), publish=False)
    await site.event(kit, title="Spring fair", begins_at="2001-04-01T10:00:00", ends_at="2001-04-01T18:00:00")
    lou = await site.member("lou@example.org", "lou", "Lou")
    yoga = await site.event(lou, title="Yoga in the park", begins_at=future(31, 8))
    pottery = await site.event(lou, title="Pottery", begins_at=future(32), join_mode="restricted")
    cooking = await site.event(lou, title="Cooking class", begins_at=future(33), join_mode="restricted")
    await site.api(kit, "POST", f"/events/{yoga['uuid']}/participations", {"identity": "kit_outdoors"})
    await site.api(kit, "POST", f"/events/{pottery['uuid']}/participations", {"message": "Beginner here."})
    request = await site.api(kit, "POST", f"/events/{cooking['uuid']}/participations", {})
    await site.api(lou, "POST", f"/events/{cooking['uuid']}/participations/{request['uuid']}/reject")

    await log_in(page, "kit@example.org")
    await page.get_by_role("link", name="My events").click()
    await expect(page.get_by_role("link", name="Organising")).to_have_attribute("aria-current", "page")
    await expect_listed(page, ["Garden party"])
    await open_tab(page, "Going")
    await expect_listed(page, ["Yoga in the park"])  # joined as the other identity
    await open_tab(page, "Waiting for approval")
    await expect_listed(page, ["Pottery"])  # the declined cooking class is in no tab
    await open_tab(page, "Drafts")
    await expect_listed(page, ["Winter market"])
    await open_tab(page, "Past")
    await expect_listed(page, ["Spring fair"])
